#pragma once
// Gate angles in the reader: numbers, the constant pi, unary signs, + - * / and parentheses,
// e.g. 0.25, -1.5e-3, pi/2, -3*pi/4, (pi+1)/2. The writer itself prints plain numbers only.
#include "export/qasm_cursor.h"

namespace qmf::exporter {

// Parses one angle expression at the cursor; throws qmf::Error for a malformed expression, a
// number out of range, nesting deeper than 64, or a value that is not finite.
double parse_angle(TokenCursor& cursor);

}  // namespace qmf::exporter
