#pragma once
// Runs a coroutine to completion on the test's io_context (servers on the same context
// progress meanwhile).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>

namespace sfwarden::salesforce::testing {

template <class T>
T RunAwaitable(boost::asio::io_context& ioc, boost::asio::awaitable<T> task) {
  std::optional<T> result;
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result.emplace(std::move(value));
    ioc.stop();
  });
  ioc.restart();
  ioc.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace sfwarden::salesforce::testing
