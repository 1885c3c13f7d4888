// tokrec similar: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_similar(CLI::App& root) {
  auto* cmd = root.add_subcommand("similar", "(not implemented yet)");
  (void)cmd;
  return [] { return report_error("similar", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli
