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
  MemDone on_done;      // called from the channel's process at completion
  uint32_t source = 0;  // requester (a stream); waiting requests are admitted by source
  MemScheduled on_scheduled;  // called at admission with the completion time (instead of on_done)
};

}  // namespace rdusim
