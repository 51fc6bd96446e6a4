#pragma once

// A running sandbox on its own thread, on 127.0.0.1 with an ephemeral port, and a small HTTP
// helper that sends real requests to it with QNetworkAccessManager.
#include "sandbox/sandbox.h"
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrlQuery>

#include <memory>

namespace dcr::test {

struct HttpResult {
    int status = 0;  // 0: no HTTP answer (connection dropped, timed out)
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray& name) const {
        for (const auto& [k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray jsonArray() const { return QJsonDocument::fromJson(body).array(); }
};

class SandboxFixture : public ::testing::Test {
protected:
    // Override to change the seed before the sandbox starts.
    virtual void adjustSeed(sandbox::Seed&) {}

    void SetUp() override {
        sandbox::Seed seed;
        adjustSeed(seed);
        host = std::make_unique<sandbox::SandboxHost>(seed);
        QObject::connect(host.get(), &sandbox::SandboxHost::ready, [this](const QJsonObject& i) { info = i; });
        host->start();
        ASSERT_TRUE(waitUntil([this] { return !info.isEmpty(); }, 20000)) << "the sandbox did not start";
        base = info.value(QStringLiteral("base_url")).toString();
    }

    void TearDown() override { host.reset(); }

    // Sends one request and waits for its answer. path starts with "/", e.g. "/graph/v1.0/me".
    HttpResult send(const QByteArray& method, const QString& path, const QByteArray& body = {},
                    const QList<QPair<QByteArray, QByteArray>>& headers = {}, int timeoutMs = 15000) {
        QNetworkRequest request(QUrl(base + path));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setTransferTimeout(timeoutMs);
        for (const auto& [name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply* reply = nam.sendCustomRequest(request, method, body);
        HttpResult result;
        bool done = false;
        QObject::connect(reply, &QNetworkReply::finished, [&] { done = true; });
        if (!waitUntil([&] { return done; }, timeoutMs + 5000)) {
            reply->abort();
            reply->deleteLater();
            return result;
        }
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.networkError = reply->error();
        result.body = reply->readAll();
        result.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return result;
    }

    HttpResult getJson(const QString& path, const QByteArray& bearer = {}) {
        QList<QPair<QByteArray, QByteArray>> h;
        if (!bearer.isEmpty())
            h.append({"Authorization", "Bearer " + bearer});
        return send("GET", path, {}, h);
    }

    HttpResult sendJson(const QByteArray& method, const QString& path, const QJsonObject& body,
                        const QByteArray& bearer = {}) {
        QList<QPair<QByteArray, QByteArray>> h{{"Content-Type", "application/json"}};
        if (!bearer.isEmpty())
            h.append({"Authorization", "Bearer " + bearer});
        return send(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), h);
    }

    HttpResult postForm(const QString& path, const QUrlQuery& form, const QList<QPair<QByteArray, QByteArray>>& extra = {}) {
        QList<QPair<QByteArray, QByteArray>> h{{"Content-Type", "application/x-www-form-urlencoded"}};
        h.append(extra);
        // Percent-encode every value: QUrlQuery leaves '+' alone, which a form decoder reads as a space.
        QByteArray body;
        for (const auto& [key, value] : form.queryItems(QUrl::FullyDecoded)) {
            if (!body.isEmpty())
                body += '&';
            body += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
        }
        return send("POST", path, body, h);
    }

    QString infoValue(const char* key) const { return info.value(QLatin1String(key)).toString(); }

    QNetworkAccessManager nam;
    std::unique_ptr<sandbox::SandboxHost> host;
    QJsonObject info;
    QString base;
};

}  // namespace dcr::test
