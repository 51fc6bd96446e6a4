#pragma once

// For the client suites: the sandbox with its sign-in page approving at once, the admin's Graph
// token obtained the way the wizard obtains it (authorization code with PKCE), and a way to wait
// for one asynchronous client call.
#include "clients/result.h"
#include "sandbox/sandbox_fixture.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QUrlQuery>

#include <functional>

namespace dcr::test {

// Microsoft Graph Command Line Tools and the scopes the wizard asks for (api-facts §1).
inline const QString kSignInClientId = QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e");
inline const QString kSignInScopes = QStringLiteral(
    "https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All "
    "https://graph.microsoft.com/DelegatedPermissionGrant.ReadWrite.All https://graph.microsoft.com/User.Read "
    "offline_access openid profile");

// Starts a client call and waits for its Result; a call that never answers fails the test and
// gives a "test.no_answer" error.
template <typename T>
Result<T> await(const std::function<void(Callback<T>)>& start, int timeoutMs = 30000) {
    const std::optional<Result<T>> r = awaitCallback<Result<T>>(start, timeoutMs);
    EXPECT_TRUE(r.has_value()) << "the call did not answer within " << timeoutMs << " ms";
    return r ? *r : Result<T>::failure(Error::make(QStringLiteral("test.no_answer"), QStringLiteral("no answer"), QString()));
}

class SignedInSandboxFixture : public SandboxFixture {
protected:
    void adjustSeed(sandbox::Seed& seed) override { seed.autoApproveSignIn = true; }

    // The admin's delegated access token for Microsoft Graph.
    void signInGraphAdmin(QString* accessToken) {
        const QString tenant = infoValue("tenant_id");
        const QString redirect = QStringLiteral("http://localhost:53682");
        QByteArray verifier;
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
        for (int i = 0; i < 64; ++i)
            verifier += alphabet[QRandomGenerator::global()->bounded(int(sizeof alphabet) - 1)];
        const QByteArray challenge = QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
                                         .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);

        QUrlQuery authorize;
        authorize.addQueryItem(QStringLiteral("client_id"), kSignInClientId);
        authorize.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
        authorize.addQueryItem(QStringLiteral("redirect_uri"), redirect);
        authorize.addQueryItem(QStringLiteral("scope"), kSignInScopes);
        authorize.addQueryItem(QStringLiteral("state"), QStringLiteral("xyz"));
        authorize.addQueryItem(QStringLiteral("code_challenge"), QString::fromLatin1(challenge));
        authorize.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
        const HttpResult page = send("GET", QStringLiteral("/login/%1/oauth2/v2.0/authorize?%2")
                                                .arg(tenant, authorize.toString(QUrl::FullyEncoded)));
        ASSERT_EQ(page.status, 302) << page.body.toStdString();
        const QUrl location(QString::fromUtf8(page.header("Location")));
        const QString code = QUrlQuery(location).queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
        ASSERT_FALSE(code.isEmpty()) << location.toString().toStdString();

        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("authorization_code"));
        form.addQueryItem(QStringLiteral("client_id"), kSignInClientId);
        form.addQueryItem(QStringLiteral("code"), code);
        form.addQueryItem(QStringLiteral("redirect_uri"), redirect);
        form.addQueryItem(QStringLiteral("code_verifier"), QString::fromLatin1(verifier));
        const HttpResult token = postForm(QStringLiteral("/login/%1/oauth2/v2.0/token").arg(tenant), form);
        ASSERT_EQ(token.status, 200) << token.body.toStdString();
        *accessToken = token.json().value(QStringLiteral("access_token")).toString();
        ASSERT_FALSE(accessToken->isEmpty());
    }

    // Sets the sandbox's replication delay for objects created from now on.
    void setReplicationDelay(int ms) {
        const HttpResult r = sendJson("PUT", QStringLiteral("/_sandbox/replication-delay"), QJsonObject{{QStringLiteral("ms"), ms}});
        ASSERT_EQ(r.status / 100, 2) << r.body.toStdString();
    }

    void injectFaults(const QByteArray& json) {
        const HttpResult r = send("POST", QStringLiteral("/_sandbox/faults"), json, {{"Content-Type", "application/json"}});
        ASSERT_EQ(r.status, 200) << r.body.toStdString();
    }
};

}  // namespace dcr::test
