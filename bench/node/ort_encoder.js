// ONNX Runtime (npm onnxruntime-node, CPU) side of bench/side_by_side_encoder.sh:
// runs model.onnx on the ids written by gen_encoder_models.py --bench, in
// batches of `batch`, and prints tokens/s of the session.run calls.
//   node ort_encoder.js MODEL_DIR THREADS [REPEATS]
const fs = require("fs");
const path = require("path");
const ort = require("onnxruntime-node");

async function main() {
  const [dir, threadsArg, repeatsArg] = process.argv.slice(2);
  const threads = parseInt(threadsArg || "2", 10);
  const repeats = parseInt(repeatsArg || "3", 10);
  const { batch, length, ids } = JSON.parse(fs.readFileSync(path.join(dir, "ids.json"), "utf8"));
  const session = await ort.InferenceSession.create(path.join(dir, "model.onnx"), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const feeds = [];
  for (let s = 0; s < ids.length; s += batch) {
    const rows = ids.slice(s, s + batch);
    const n = rows.length * length;
    const inputIds = new BigInt64Array(n), mask = new BigInt64Array(n), types = new BigInt64Array(n);
    rows.forEach((r, b) => r.forEach((id, t) => {
      inputIds[b * length + t] = BigInt(id);
      mask[b * length + t] = 1n;
    }));
    const dims = [rows.length, length];
    feeds.push({
      input_ids: new ort.Tensor("int64", inputIds, dims),
      attention_mask: new ort.Tensor("int64", mask, dims),
      token_type_ids: new ort.Tensor("int64", types, dims),
    });
  }
  await session.run(feeds[0]);  // warm-up
  let best = Infinity;
  for (let r = 0; r < repeats; ++r) {
    const t0 = process.hrtime.bigint();
    for (const f of feeds) await session.run(f);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, s);
  }
  const tokens = ids.length * length;
  console.log(`onnxruntime fp32: ${tokens} tokens, best of ${repeats}: ${best.toFixed(3)} s, ${(tokens / best).toFixed(1)} tokens/s`);
}

main().catch((e) => {
  console.error("ort_encoder.js: " + e.message);
  process.exit(1);
});
