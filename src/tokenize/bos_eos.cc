// BOS/EOS on request for the formats that define them but add nothing by
// default (SentencePiece .model, BytePiece): a template post-processor,
// "BOS $A EOS" and "BOS $A EOS BOS $B:1 EOS:1" (the template transformers'
// LlamaTokenizerFast builds from add_bos_token / add_eos_token), so they are
// special tokens like any post-processor's (add_special_tokens, the special
// tokens mask, truncation's budget).
#include <tuple>

#include "tokenize/tokenizer_impl.h"

namespace tokrec::tokenize {

Status apply_bos_eos(Tokenizer::Impl& impl, const LoadOptions& options, const std::string& source) {
  if (!options.add_bos && !options.add_eos) return Status::ok();
  for (const auto& [asked, token, what] : {std::tuple{options.add_bos, &impl.bos, "BOS"},
                                           std::tuple{options.add_eos, &impl.eos, "EOS"}}) {
    if (asked && !*token)
      return Status::invalid_argument(
          source + " (" + impl.format + "): no " + what + " token to add (add_bos / add_eos apply to " +
          "SentencePiece .model files that define one and to BytePiece models; a tokenizer.json's " +
          "post-processor says what it adds)");
  }
  auto special = [](const std::pair<std::string, int32_t>& t, int32_t type_id) {
    PostProcessor::Piece p;
    p.ids = {t.second};
    p.tokens = {t.first};
    p.type_id = type_id;
    return p;
  };
  auto sequence = [](int index) {
    PostProcessor::Piece p;
    p.is_sequence = true;
    p.sequence = index;
    p.type_id = index;
    return p;
  };
  std::vector<PostProcessor::Piece> single, pair;
  for (int s = 0; s < 2; ++s) {
    std::vector<PostProcessor::Piece>& out = s == 0 ? single : pair;
    for (int seq = 0; seq <= s; ++seq) {
      if (options.add_bos) out.push_back(special(*impl.bos, seq));
      out.push_back(sequence(seq));
      if (options.add_eos) out.push_back(special(*impl.eos, seq));
    }
  }
  impl.post_processor = std::make_unique<PostProcessor>(std::move(single), std::move(pair));
  impl.post_processor_desc = std::string("TemplateProcessing(") + (options.add_bos ? impl.bos->first + " " : "") +
                             "$A" + (options.add_eos ? " " + impl.eos->first : "") + ")";
  return Status::ok();
}

}  // namespace tokrec::tokenize
