#include "sandbox/router.h"

namespace dcr::sandbox {

void Router::add(const QByteArray& method, const QString& pattern, Handler handler) {
    QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
    Q_ASSERT_X(re.isValid(), "Router::add", qPrintable(re.errorString()));
    m_routes.push_back({method, std::move(re), std::move(handler)});
}

void Router::setFallback(const QString& prefix, Handler handler) { m_fallbacks.emplace_back(prefix, std::move(handler)); }

Response Router::dispatch(Request request) const {
    bool pathKnown = false;
    for (const Route& route : m_routes) {
        const auto match = route.pattern.match(request.path);
        if (!match.hasMatch())
            continue;
        pathKnown = true;
        if (route.method != request.method)
            continue;
        request.params = match.capturedTexts().mid(1);
        return route.handler(request);
    }
    for (const auto& [prefix, handler] : m_fallbacks) {
        if (request.path.startsWith(prefix)) {
            Response r = handler(request);
            if (pathKnown && r.status == 404)
                r.status = 405;
            return r;
        }
    }
    return Response::json(pathKnown ? 405 : 404,
                          QJsonObject{{QStringLiteral("message"), pathKnown ? QStringLiteral("Method not allowed")
                                                                            : QStringLiteral("Not found")}});
}

}  // namespace dcr::sandbox
