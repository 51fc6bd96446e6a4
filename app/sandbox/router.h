#pragma once

#include "sandbox/sandbox_http.h"

#include <QRegularExpression>

#include <functional>
#include <vector>

namespace dcr::sandbox {

// Maps (method, path) to a handler. Patterns are anchored regular expressions over the decoded
// path; their capture groups arrive in Request::params. Each service registers its own prefix's
// fallback so that unknown paths fail in that service's own error format.
class Router {
public:
    using Handler = std::function<Response(const Request&)>;

    void add(const QByteArray& method, const QString& pattern, Handler handler);
    void setFallback(const QString& prefix, Handler handler);

    Response dispatch(Request request) const;

private:
    struct Route {
        QByteArray method;
        QRegularExpression pattern;
        Handler handler;
    };
    std::vector<Route> m_routes;
    std::vector<std::pair<QString, Handler>> m_fallbacks;
};

}  // namespace dcr::sandbox
