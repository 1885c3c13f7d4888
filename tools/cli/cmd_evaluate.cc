// tokrec evaluate: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_evaluate(CLI::App& root) {
  auto* cmd = root.add_subcommand("evaluate", "(not implemented yet)");
  (void)cmd;
  return [] { return report_error("evaluate", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli
