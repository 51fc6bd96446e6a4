#pragma once

#include "core/error.h"

#include <functional>
#include <optional>

namespace dcr {

// The answer of one asynchronous client call: a value or the one error type of the project.
template <typename T>
struct Result {
    std::optional<T> value;
    std::optional<Error> error;

    static Result success(T v) { return Result{std::move(v), std::nullopt}; }
    static Result failure(Error e) { return Result{std::nullopt, std::move(e)}; }
    bool ok() const { return !error.has_value(); }
};

struct Nothing {};

template <typename T>
using Callback = std::function<void(const Result<T>&)>;

// Supplies the current bearer token for a service at the moment a request is sent, so that a
// refreshed token is picked up without rebuilding the client.
using TokenProvider = std::function<QString()>;

}  // namespace dcr
