// tokrec run: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_run(CLI::App& root) {
  auto* cmd = root.add_subcommand("run", "(not implemented yet)");
  (void)cmd;
  return [] { return report_error("run", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli
