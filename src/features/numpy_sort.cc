// numpy's default argsort (kind="quicksort"), re-implemented so that ties
// come out in the order numpy (1.24, npysort/quicksort.cpp) gives them:
// sklearn's max_features keeps the first `limit` of that order. Checked
// against np.argsort on tie-heavy arrays (tests/golden/data/vectorizers).
#include <cstddef>
#include <vector>

#include "tokrec/features/tfidf.h"

namespace tokrec::features {
namespace {

constexpr std::ptrdiff_t kSmallQuicksort = 15;

// numpy's DOUBLE_LT: NaN sorts after everything.
bool less(double a, double b) { return a < b || (b != b && a == a); }

int msb(size_t n) {
  int d = 0;
  while (n > 1) {
    n >>= 1;
    ++d;
  }
  return d;
}

void swap(size_t& a, size_t& b) {
  size_t t = a;
  a = b;
  b = t;
}

// numpy's aheapsort_ over tosort[0, n) (1-based heap indexing).
void aheapsort(const double* v, size_t* tosort, std::ptrdiff_t n) {
  size_t* a = tosort - 1;
  std::ptrdiff_t i, j, l;
  size_t tmp;
  for (l = n >> 1; l > 0; --l) {
    tmp = a[l];
    for (i = l, j = l << 1; j <= n;) {
      if (j < n && less(v[a[j]], v[a[j + 1]])) j += 1;
      if (less(v[tmp], v[a[j]])) {
        a[i] = a[j];
        i = j;
        j += j;
      } else {
        break;
      }
    }
    a[i] = tmp;
  }
  for (; n > 1;) {
    tmp = a[n];
    a[n] = a[1];
    n -= 1;
    for (i = 1, j = 2; j <= n;) {
      if (j < n && less(v[a[j]], v[a[j + 1]])) j++;
      if (less(v[tmp], v[a[j]])) {
        a[i] = a[j];
        i = j;
        j += j;
      } else {
        break;
      }
    }
    a[i] = tmp;
  }
}

}  // namespace

std::vector<size_t> numpy_argsort(const std::vector<double>& values) {
  const std::ptrdiff_t num = static_cast<std::ptrdiff_t>(values.size());
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (num < 2) return order;
  const double* v = values.data();
  size_t* t = order.data();
  std::ptrdiff_t pl = 0, pr = num - 1;
  struct Frame {
    std::ptrdiff_t pl, pr;
    int depth;
  };
  std::vector<Frame> stack;
  int cdepth = msb(values.size()) * 2;
  for (;;) {
    if (cdepth < 0) {
      aheapsort(v, t + pl, pr - pl + 1);
    } else {
      while (pr - pl > kSmallQuicksort) {
        std::ptrdiff_t pm = pl + ((pr - pl) >> 1);
        if (less(v[t[pm]], v[t[pl]])) swap(t[pm], t[pl]);
        if (less(v[t[pr]], v[t[pm]])) swap(t[pr], t[pm]);
        if (less(v[t[pm]], v[t[pl]])) swap(t[pm], t[pl]);
        double vp = v[t[pm]];
        std::ptrdiff_t pi = pl, pj = pr - 1;
        swap(t[pm], t[pj]);
        for (;;) {
          do ++pi;
          while (less(v[t[pi]], vp));
          do --pj;
          while (less(vp, v[t[pj]]));
          if (pi >= pj) break;
          swap(t[pi], t[pj]);
        }
        swap(t[pi], t[pr - 1]);
        // Push the larger partition, continue with the smaller.
        if (pi - pl < pr - pi) {
          stack.push_back({pi + 1, pr, cdepth - 1});
          pr = pi - 1;
        } else {
          stack.push_back({pl, pi - 1, cdepth - 1});
          pl = pi + 1;
        }
        --cdepth;
      }
      for (std::ptrdiff_t pi = pl + 1; pi <= pr; ++pi) {  // insertion sort
        size_t vi = t[pi];
        double vp = v[vi];
        std::ptrdiff_t pj = pi, pk = pi - 1;
        while (pj > pl && less(vp, v[t[pk]])) t[pj--] = t[pk--];
        t[pj] = vi;
      }
    }
    if (stack.empty()) break;
    pl = stack.back().pl;
    pr = stack.back().pr;
    cdepth = stack.back().depth;
    stack.pop_back();
  }
  return order;
}

}  // namespace tokrec::features
