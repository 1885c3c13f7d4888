// tokrec keywords: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_keywords(CLI::App& root) {
  auto* cmd = root.add_subcommand("keywords", "(not implemented yet)");
  cmd->group("");  // hidden from --help until implemented
  return [] { return report_error("keywords", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli
