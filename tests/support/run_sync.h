#pragma once
// Runs a coroutine to completion on a fresh io_context and returns its value: for unit
// tests of coroutine APIs against fakes (no timers shared with anything else).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

namespace sfwarden::testing {

template <class T>
T RunSync(boost::asio::awaitable<T> coroutine) {
  boost::asio::io_context ioc;
  std::optional<T> result;
  boost::asio::co_spawn(ioc, std::move(coroutine), [&](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    result.emplace(std::move(value));
  });
  ioc.run();
  return std::move(*result);
}

}  // namespace sfwarden::testing
