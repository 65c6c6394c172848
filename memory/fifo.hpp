// memory/fifo.hpp
// A FIFO that keeps its storage: boost::circular_buffer, doubled when full, so a queue that has
// grown to its stream's depth allocates nothing more (std::deque allocates and frees a block every
// few elements as a queue drains and refills).
#pragma once
#include <boost/circular_buffer.hpp>

#include <algorithm>
#include <cstddef>
#include <utility>

namespace rdusim {

template <typename T>
class Fifo {
 public:
  using iterator = typename boost::circular_buffer<T>::iterator;
  using const_iterator = typename boost::circular_buffer<T>::const_iterator;
  void push_back(T v) {
    if (m_buf.full()) m_buf.set_capacity(std::max<std::size_t>(16, 2 * m_buf.capacity()));
    m_buf.push_back(std::move(v));
  }
  T& front() { return m_buf.front(); }
  const T& front() const { return m_buf.front(); }
  T& back() { return m_buf.back(); }
  void pop_front() { m_buf.pop_front(); }
  bool empty() const { return m_buf.empty(); }
  std::size_t size() const { return m_buf.size(); }
  iterator begin() { return m_buf.begin(); }
  iterator end() { return m_buf.end(); }
  const_iterator begin() const { return m_buf.begin(); }
  const_iterator end() const { return m_buf.end(); }

 private:
  boost::circular_buffer<T> m_buf;
};

}  // namespace rdusim
