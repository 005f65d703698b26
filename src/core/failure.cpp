#include "core/failure.h"

#include <new>

#include "core/error.h"
#include "core/interrupt.h"

namespace qmf {

Failure failure_of(const std::exception_ptr& thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const Interrupted& e) {
    return {e.what(), e.exit_code()};
  } catch (const UsageError& e) {
    return {std::string("error: ") + e.what(), 2};
  } catch (const Error& e) {
    return {std::string("error: ") + e.what(), 1};
  } catch (const std::bad_alloc&) {
    return {
        "error: out of memory: the model or the data does not fit (lower model.hidden, "
        "model.ffn_hidden, model.k, train.batch or train.threads, or use data.train_limit)",
        1};
  } catch (const std::exception& e) {
    return {std::string("internal error: ") + e.what(), 1};
  }
}

}  // namespace qmf
