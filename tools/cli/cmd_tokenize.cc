// tokrec tokenize: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_tokenize(CLI::App& root) {
  auto* cmd = root.add_subcommand("tokenize", "(not implemented yet)");
  (void)cmd;
  return [] { return report_error("tokenize", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli
