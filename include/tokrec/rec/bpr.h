// BPR-MF (Rendle et al., UAI 2009) trained like RecBole's BPR
// (recbole/model/general_recommender/bpr.py with overall.yaml defaults):
// score(u, i) = P_u · Q_i; loss = mean over a mini-batch of −log(1e-10 + σ(s_ui − s_uj))
// for (u, i) a training pair and j one negative drawn uniformly from the
// catalog items not in u's training list; Xavier-normal initialization
// (std = sqrt(2 / (rows + dim)) per table); dense Adam (β = 0.9, 0.999,
// ε = 1e-8, as torch.optim.Adam: rows absent from a batch still move with
// their moments); the training pairs are reshuffled every epoch.
//
// Deterministic for a given seed whatever `threads` is: gradients are summed
// in a fixed order, and threads only split the optimizer's update.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/factor_model.h"

namespace tokrec::rec {

struct BprOptions {
  size_t dim = 64;                 // embedding size (RecBole 64)
  std::string optimizer = "adam";  // "adam" or "sgd"
  double learning_rate = 1e-3;     // RecBole 1e-3 (Adam); SGD wants ~0.05
  size_t batch_size = 2048;        // RecBole train_batch_size
  size_t epochs = 100;             // RecBole runs up to 300 with early stopping on valid MRR@10
  double reg = 0.0;                // L2 on the embeddings of each example (RecBole's BPR: 0)
  uint64_t seed = 2020;
  size_t threads = 1;              // 0 = all cores
};

// Called after every epoch (1-based) with the mean training loss and the
// model as it stands; return false to stop training (early stopping).
using BprEpochCallback = std::function<bool(size_t epoch, double loss, const FactorModel& current)>;

// `train[u]`: user u's training items, ascending. Users without training
// items keep their random initial factors.
Result<std::unique_ptr<FactorModel>> fit_bpr(const std::vector<std::vector<int32_t>>& train, size_t num_items,
                                             const BprOptions& options = {}, const BprEpochCallback& on_epoch = {});

}  // namespace tokrec::rec
