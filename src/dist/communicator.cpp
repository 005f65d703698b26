#include "dist/communicator.h"

#include <cstdlib>

namespace qmf::dist {
namespace {

class OneProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void sum(std::span<double> /*values*/) const override {}
  std::vector<uint64_t> gather(uint64_t value) const override { return {value}; }
  void broadcast(std::string& /*text*/, int /*from*/) const override {}
  void wait_for_all() const override {}
  [[noreturn]] void abort(int code) const override { std::_Exit(code); }
};

const Communicator* the_world = nullptr;

}  // namespace

const Communicator& one_process() {
  static const OneProcess alone;
  return alone;
}

const Communicator& world() { return the_world != nullptr ? *the_world : one_process(); }

void detail::set_world(const Communicator* world) { the_world = world; }

}  // namespace qmf::dist
