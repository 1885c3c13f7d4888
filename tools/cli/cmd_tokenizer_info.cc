// tokrec tokenizer-info: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_tokenizer_info(CLI::App& root) {
  auto* cmd = root.add_subcommand("tokenizer-info", "(not implemented yet)");
  cmd->group("");  // hidden from --help until implemented
  return [] { return report_error("tokenizer-info", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli
