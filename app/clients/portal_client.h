#pragma once

#include "clients/result.h"

#include <QObject>
#include <QUrl>

namespace dcr {

class HttpClient;
struct HttpRequest;

struct PortalApplication {
    QString id, name, clientId;
    QString clientSecret;  // only in the answer to its creation
};

// The developer side of a Dev Portal (Portal API v3 on the portal's own address), used by the
// optional DCR round trip: sign a developer in, create an application with the DCR strategy
// (Konnect then registers it in Entra ID), register it for the API, and delete it again.
// Callbacks are not called once the client is destroyed.
class PortalClient : public QObject {
    Q_OBJECT
public:
    // base: https://<portal domain>/api/v3
    PortalClient(HttpClient& http, QUrl base, QObject* parent = nullptr);

    void authenticate(const QString& username, const QString& password, Callback<Nothing> done);
    void createApplication(const QString& name, const QString& authStrategyId, Callback<PortalApplication> done);
    void registerApplication(const QString& applicationId, const QString& apiId, Callback<Nothing> done);
    void deleteApplication(const QString& applicationId, Callback<Nothing> done);

private:
    // With the session cookie once authenticate() got one.
    HttpRequest request(const QByteArray& method, const QString& path) const;

    HttpClient& m_http;
    QUrl m_base;
    QByteArray m_sessionCookie;  // portalaccesstoken, kept in memory only
};

}  // namespace dcr
