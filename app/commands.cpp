#include "commands.h"

namespace qmf::app {

void register_commands(CLI::App& app) {
  add_train(app);
  add_eval(app);
  add_predict(app);
  add_explain(app);
  add_export(app);
  add_compare(app);
  add_config(app);
  add_data(app);
  add_bench(app);
}

}  // namespace qmf::app
