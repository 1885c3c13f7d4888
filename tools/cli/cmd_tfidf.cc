// tokrec tfidf: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_tfidf(CLI::App& root) {
  auto* cmd = root.add_subcommand("tfidf", "(not implemented yet)");
  cmd->group("");  // hidden from --help until implemented
  return [] { return report_error("tfidf", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli
