#pragma once

// What the service clients share: building query strings and paths the way the services expect
// them, reading JSON defensively, and turning the HTTP layer's answers into Results.
#include "clients/result.h"
#include "core/http_client.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QPointer>
#include <QStringList>

#include <initializer_list>
#include <utility>

namespace dcr::clients {

// One path segment from an id, so that an id with '/', '?' or '#' cannot change the address.
QString pathSegment(const QString& value);

// "?k1=v1&k2=v2" with every value percent-encoded (a space as %20, a '+' as %2B, '&' as %26). The
// keys go as written: OData's "$filter" and Konnect's "filter[name][eq]" are what the services
// document. Commas and single quotes stay readable: both are legal in a query.
QString query(std::initializer_list<std::pair<const char*, QString>> items);

// An OData string literal: 'value' with single quotes doubled.
QString odataString(const QString& value);

// The strings of a JSON array; anything else (missing, null, numbers) gives none.
QStringList strings(const QJsonValue& value);
QJsonArray toJsonArray(const QStringList& list);

// A 2xx whose body lacks what the call needs (an id, a list): the service or something in between
// answered in a shape this client does not know. service: "Microsoft Graph", "Konnect", …
Error unexpectedAnswer(const QString& codePrefix, const QString& service, const HttpResponse& response);

// The HttpClient callback of one call: drops the answer if `owner` is gone (its caller is being torn
// down too), passes an error on, and otherwise hands the response to parse, which returns the Result.
template <typename T, typename Parse>
HttpClient::Done deliver(const QObject* owner, Callback<T> done, Parse parse) {
    return [guard = QPointer<const QObject>(owner), done = std::move(done), parse = std::move(parse)](
               const HttpResponse& response, const std::optional<Error>& error) {
        if (!guard)
            return;
        if (error) {
            done(Result<T>::failure(*error));
            return;
        }
        done(parse(response));
    };
}

// For calls whose answer carries nothing. notFoundIsDone: a DELETE of something already gone
// has reached its goal.
HttpClient::Done deliverNothing(const QObject* owner, Callback<Nothing> done, bool notFoundIsDone = false);

}  // namespace dcr::clients
