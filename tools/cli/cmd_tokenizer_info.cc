// tokrec tokenizer-info PATH: what a tokenizer file is made of (format,
// model, vocabulary size, special tokens, pipeline stages), as text or JSON.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::cli {
namespace {

struct InfoArgs {
  std::string path;
  std::string encoding;
  bool json = false;
};

int run_info(const InfoArgs& a) {
  tokenize::LoadOptions load;
  load.encoding = a.encoding;
  auto tok = tokenize::Tokenizer::load(a.path, load);
  if (!tok.is_ok()) return report_error("tokenizer-info", tok.status());
  const tokenize::TokenizerInfo info = (*tok)->info();
  if (a.json) {
    nlohmann::json j = {{"format", info.format},           {"model", info.model},
                        {"vocab_size", info.vocab_size},   {"normalizer", info.normalizer},
                        {"pre_tokenizer", info.pre_tokenizer}, {"post_processor", info.post_processor},
                        {"decoder", info.decoder},         {"special_tokens", nlohmann::json::array()}};
    for (const auto& [text, id] : info.special_tokens)
      j["special_tokens"].push_back({{"token", text}, {"id", id}});
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("format:         %s\n", info.format.c_str());
  std::printf("model:          %s\n", info.model.c_str());
  std::printf("vocab_size:     %zu\n", info.vocab_size);
  std::printf("normalizer:     %s\n", info.normalizer.c_str());
  std::printf("pre_tokenizer:  %s\n", info.pre_tokenizer.c_str());
  std::printf("post_processor: %s\n", info.post_processor.c_str());
  std::printf("decoder:        %s\n", info.decoder.c_str());
  std::printf("special_tokens: %zu\n", info.special_tokens.size());
  size_t shown = 0;
  for (const auto& [text, id] : info.special_tokens) {
    if (++shown > 20) {
      std::printf("  ... %zu more\n", info.special_tokens.size() - 20);
      break;
    }
    std::printf("  %d\t%s\n", id, text.c_str());
  }
  return 0;
}

}  // namespace

Action add_tokenizer_info(CLI::App& root) {
  auto args = std::make_shared<InfoArgs>();
  auto* cmd = root.add_subcommand(
      "tokenizer-info",
      "Describe a tokenizer: format, model type, vocabulary size, special tokens, "
      "normalizer / pre-tokenizer / post-processor / decoder chain");
  cmd->add_option("path", args->path, "Tokenizer file or folder (any format `tokenize` accepts)")
      ->required();
  cmd->add_option("--encoding", args->encoding,
                  "Named encoding of a bare tiktoken rank file (cl100k_base, o200k_base, llama3, qwen)")
      ->check(CLI::IsMember({"cl100k_base", "o200k_base", "llama3", "qwen"}));
  cmd->add_flag("--json", args->json, "Print JSON instead of text");
  return [args] { return run_info(*args); };
}

}  // namespace tokrec::cli
