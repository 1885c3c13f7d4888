// tokrec embed: sentence embeddings from a Hugging Face model folder (BERT,
// RoBERTa / XLM-R, DistilBERT), one float32 row per input line in a .npy file,
// and optionally last_hidden_state as one padded [N, T, H] array.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "progress.h"
#include "tokrec/core/utf8.h"
#include "tokrec/encoder/encoder.h"
#include "tokrec/io/file.h"

namespace tokrec::cli {
namespace {

struct EmbedArgs {
  std::string model;
  std::string tokenizer;
  std::string pooling = "mean";
  std::string weights;
  bool normalize = false;
  std::string input = "-";
  std::string output;
  std::string output_hidden;
  size_t max_length = 0;
  size_t batch_size = 32;
  size_t threads = 0;
  std::string dtype = "fp32";
  bool stats = false;
  bool progress = false;
};

int run_embed(const EmbedArgs& a) {
  const std::string cmd = "embed";
  if (a.output.empty() && a.output_hidden.empty())
    return report_error(cmd, Status::invalid_argument("give --output and/or --output-hidden"));
  auto pooling = encoder::parse_pooling(a.pooling);
  if (!pooling.is_ok()) return report_error(cmd, pooling.status());
  if (*pooling == encoder::Pooling::kWeighted && a.weights.empty())
    return report_error(cmd, Status::invalid_argument("--pooling weighted needs --weights FILE"));

  encoder::LoadOptions lo;
  lo.tokenizer_path = a.tokenizer;
  auto dtype = encoder::parse_dtype(a.dtype);
  if (!dtype.is_ok()) return report_error(cmd, dtype.status());
  lo.dtype = *dtype;
  const auto t_load = std::chrono::steady_clock::now();
  auto enc = encoder::Encoder::load(a.model, lo);
  if (!enc.is_ok()) return report_error(cmd, enc.status());
  const encoder::Encoder& e = **enc;
  if (*pooling == encoder::Pooling::kPooler && !e.has_pooler())
    return report_error(cmd, Status::invalid_argument(
                                 "--pooling pooler: the checkpoint in " + a.model + " has no pooler weights"));
  std::shared_ptr<const encoder::TokenWeights> weights;
  if (!a.weights.empty()) {
    auto w = encoder::TokenWeights::load(a.weights, e.tokenizer());
    if (!w.is_ok()) return report_error(cmd, w.status());
    weights = *w;
  }
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_load).count();

  auto lines = io::read_lines(a.input);
  if (!lines.is_ok()) return report_error(cmd, lines.status());
  for (size_t i = 0; i < lines->size(); ++i) {
    const size_t bad = utf8::first_invalid_offset((*lines)[i]);
    if (bad != (*lines)[i].size())
      return report_error(cmd, Status::invalid_argument("invalid UTF-8 on line " + std::to_string(i + 1) +
                                                        " (byte " + std::to_string(bad) + ")"));
  }

  encoder::EmbedOptions o;
  o.threads = a.threads;
  o.batch_size = a.batch_size;
  o.max_length = a.max_length;
  o.pooling = *pooling;
  o.normalize = a.normalize;
  o.weights = weights.get();
  auto encodings = e.tokenize(*lines, o);
  if (!encodings.is_ok()) return report_error(cmd, encodings.status());
  ProgressLine progress("tokrec embed", a.progress);
  auto fail = [&](const Status& st) {
    progress.finish();
    return report_error(cmd, st);
  };
  if (progress.on()) {
    o.progress = [&](size_t done, size_t total) {
      const double rate = static_cast<double>(done) / std::max(progress.elapsed(), 1e-9);
      progress.update(done == total, "%zu/%zu sequences (%.0f%%), %.1f sequences/s, %.0f s left", done, total,
                      100.0 * static_cast<double>(done) / static_cast<double>(std::max<size_t>(total, 1)), rate,
                      rate > 0 ? static_cast<double>(total - done) / rate : 0.0);
    };
  }
  size_t tokens = 0, longest = 0;
  for (const auto& x : *encodings) {
    tokens += x.ids.size();
    longest = std::max(longest, x.ids.size());
  }
  const size_t H = e.hidden_size(), N = encodings->size();

  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t cpu0 = std::clock();
  if (!a.output.empty()) {
    auto m = e.embed(*encodings, o);
    if (!m.is_ok()) return fail(m.status());
    if (auto st = encoder::write_npy(a.output, m->data.data(), {N, H}); !st.is_ok()) return fail(st);
  }
  const double embed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Process CPU time of the embed step (all threads): on a shared machine,
  // wall time far above cpu / threads means the run was starved.
  const double embed_cpu_s = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  if (!a.output_hidden.empty()) {
    auto outs = e.forward(*encodings, o);
    if (!outs.is_ok()) return fail(outs.status());
    std::vector<float> hidden(N * longest * H, 0.0f);  // padding rows stay 0
    for (size_t i = 0; i < N; ++i)
      std::copy((*outs)[i].hidden.begin(), (*outs)[i].hidden.end(), hidden.begin() + static_cast<long>(i * longest * H));
    if (auto st = encoder::write_npy(a.output_hidden, hidden.data(), {N, longest, H}); !st.is_ok())
      return fail(st);
  }
  progress.finish();
  if (a.stats) {
    std::fprintf(stderr,
                 "tokrec embed: %zu lines, %zu tokens, dtype %s, load %.3f s, embed %.3f s (cpu %.3f s), %.1f tokens/s\n",
                 N, tokens, encoder::dtype_name(e.dtype()), load_s, embed_s, embed_cpu_s,
                 embed_s > 0 ? static_cast<double>(tokens) / embed_s : 0.0);
  }
  return 0;
}

}  // namespace

Action add_embed(CLI::App& root) {
  auto args = std::make_shared<EmbedArgs>();
  auto* cmd = root.add_subcommand(
      "embed",
      "Sentence embeddings from a Hugging Face model folder (BERT, RoBERTa / XLM-R, DistilBERT; "
      "config.json + model.safetensors + tokenizer). One float32 row per input line (.npy).");
  cmd->add_option("--model", args->model, "Model folder (config.json, model.safetensors or shards)")
      ->required();
  cmd->add_option("--tokenizer", args->tokenizer,
                  "Tokenizer file or folder (default: the model folder's tokenizer.json or vocab.txt)");
  cmd->add_option("--pooling", args->pooling,
                  "cls | mean | max (over the attention mask, special tokens included) | pooler "
                  "(tanh(W·h_CLS+b)) | weighted (Σ w·h / Σ w, --weights; special tokens 0)")
      ->check(CLI::IsMember({"cls", "mean", "max", "pooler", "weighted"}));
  cmd->add_option("--weights", args->weights, "token<TAB>weight file for --pooling weighted");
  cmd->add_flag("--normalize", args->normalize, "L2-normalize each row");
  cmd->add_option("--input", args->input, "Input text, one text per line (default stdin; .gz ok)");
  cmd->add_option("--output", args->output, "Pooled embeddings: float32 .npy [N, H]");
  cmd->add_option("--output-hidden", args->output_hidden,
                  "last_hidden_state: float32 .npy [N, T, H], T = longest line after truncation, "
                  "padding rows 0");
  cmd->add_option("--max-length", args->max_length,
                  "Truncate to this many tokens, special tokens included (default and upper "
                  "bound: the model's max_position_embeddings)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--batch-size", args->batch_size,
                  "Sequences per forward pass; lines are sorted by length and padded per batch "
                  "(default 32)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", args->threads, "Total compute threads (0 = all cores)");
  cmd->add_option("--dtype", args->dtype,
                  "Precision of the linear layers: fp32 (default; fp16/bf16 weights are "
                  "computed in fp32), bf16 (bf16 weights, fp32 accumulation) or int8 (dynamic "
                  "quantization, VNNI where present)")
      ->check(CLI::IsMember({"fp32", "bf16", "int8"}));
  cmd->add_flag("--progress", args->progress,
                "Report sequences done, rate and time left on stderr (default: when stderr is a terminal)");
  cmd->add_flag("--stats", args->stats, "Print line/token counts, times and tokens/s to stderr");
  return [args] { return run_embed(*args); };
}

}  // namespace tokrec::cli
