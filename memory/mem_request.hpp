// memory/mem_request.hpp
// A request to a DRAM channel and what runs when it is admitted or completes.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace rdusim {

// What runs when a request completes, called from the channel's process with the request's bytes.
// The hot paths (replay loads and writes, tier pieces) pass a plain function with a context
// pointer and an argument, which allocates nothing; anything callable with no arguments (a
// lambda, a std::function) is accepted too and kept in a std::function on the heap.
class MemDone {
 public:
  using Fn = void (*)(void* ctx, uint64_t arg, uint64_t bytes);
  MemDone() = default;
  MemDone(Fn fn, void* ctx, uint64_t arg) : m_fn(fn), m_ctx(ctx), m_arg(arg) {}
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, MemDone> &&
                                                    std::is_invocable_r_v<void, std::decay_t<F>&>>>
  MemDone(F&& f)  // NOLINT: implicit, so callers pass lambdas as before
      : m_owned(std::make_unique<std::function<void()>>(std::forward<F>(f))) {}
  explicit operator bool() const { return m_fn != nullptr || m_owned != nullptr; }
  // A plain function with a context (no owned callable): such callbacks differ only in their arg,
  // so a queue of them can keep one copy and the args (memory/arbiter.hpp).
  bool plain() const { return m_fn != nullptr && m_owned == nullptr; }
  bool same_target(const MemDone& o) const { return m_fn == o.m_fn && m_ctx == o.m_ctx; }
  uint64_t arg() const { return m_arg; }
  MemDone with_arg(uint64_t arg) const { return MemDone(m_fn, m_ctx, arg); }  // contract: plain()
  void operator()(uint64_t bytes) const {
    if (m_fn)
      m_fn(m_ctx, m_arg, bytes);
    else if (m_owned)
      (*m_owned)();
  }

 private:
  Fn m_fn = nullptr;
  void* m_ctx = nullptr;
  uint64_t m_arg = 0;
  // Cold callers' callables live on the heap: a request stays small (it waits in deep queues).
  std::unique_ptr<std::function<void()>> m_owned;
};

// What runs when a request is admitted and its completion time is therefore fixed (in-order service,
// one latency): the requester learns `done_ns` at once and needs no wake-up at completion, so a
// stream of loads into a StreamBuffer costs no channel activation per completion (commit_at).
struct MemScheduled {
  using Fn = void (*)(void* ctx, uint64_t arg, uint64_t bytes, double done_ns);
  Fn fn = nullptr;
  void* ctx = nullptr;
  uint64_t arg = 0;
  explicit operator bool() const { return fn != nullptr; }
  void operator()(uint64_t bytes, double done_ns) const { fn(ctx, arg, bytes, done_ns); }
};

struct MemRequest {
  uint64_t bytes = 0;
  bool write = false;
  MemDone on_done;            // called from the channel's process at completion
  uint32_t source = 0;        // requester (a stream); waiting requests are admitted by source
  MemScheduled on_scheduled;  // called at admission with the completion time (instead of on_done)
};

// Whether two requests differ at most in their callback's arg; then `arg` is the one of `r`.
inline bool same_but_arg(const MemRequest& a, const MemRequest& r) {
  if (a.bytes != r.bytes || a.write != r.write || a.source != r.source) return false;
  if (r.on_scheduled && !r.on_done)
    return a.on_scheduled && !a.on_done && a.on_scheduled.fn == r.on_scheduled.fn &&
           a.on_scheduled.ctx == r.on_scheduled.ctx;
  if (r.on_done.plain() && !r.on_scheduled)
    return a.on_done.plain() && !a.on_scheduled && a.on_done.same_target(r.on_done);
  return false;
}

}  // namespace rdusim
