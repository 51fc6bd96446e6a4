// The Microsoft identity platform's answers: the v1 token endpoint (access tokens, AADSTS error
// bodies), the discovery document and its signing keys, the device code endpoint, and a token
// checked against those keys; through the real TokenClient, EntraSignIn and HttpClient. Every call
// ends in a value or an explained Error, never a crash or a hang.
#include "fuzz_support.h"

#include "auth/entra_sign_in.h"
#include "clients/token_client.h"

using namespace dcr;

namespace {

const QString kTenant = QStringLiteral("6b1f0c3e-2d4a-4f8b-9c7d-1e2f3a4b5c6d");
const QUrl kLogin(QStringLiteral("https://login.microsoftonline.com"));

// The device code sign-in reports through signals; the first one ends the input.
void deviceCode(HttpClient& http) {
    EntraSignIn signIn(http, kLogin, kTenant, QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e"),
                       EntraSignIn::defaultScopes(QUrl(QStringLiteral("https://graph.microsoft.com"))));
    bool answered = false;
    QObject::connect(&signIn, &EntraSignIn::deviceCode, [&] { answered = true; });
    QObject::connect(&signIn, &EntraSignIn::signedIn, [&] { answered = true; });
    QObject::connect(&signIn, &EntraSignIn::failed, [&](const Error& e) {
        fuzz::checkError(e);
        answered = true;
    });
    signIn.startDeviceCode();
    fuzz::runUntil([&] { return answered; });
}

void pastedToken(HttpClient& http, const QByteArray& token) {
    EntraSignIn signIn(http, kLogin, kTenant, QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e"), {});
    bool answered = false;
    QObject::connect(&signIn, &EntraSignIn::signedIn, [&] { answered = true; });
    QObject::connect(&signIn, &EntraSignIn::failed, [&](const Error& e) {
        fuzz::checkError(e);
        answered = true;
    });
    signIn.useAccessToken(QString::fromUtf8(token));
    fuzz::runUntil([&] { return answered; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureApplication();
    const fuzz::ClientInput in = fuzz::ClientInput::parse(data, size);
    fuzz::CannedNetwork network(in.answers);
    HttpClient http(&network);
    http.setRetryConfig(fuzz::noRetries());
    TokenClient tokens(http, kLogin);
    const QByteArray first = in.answers.isEmpty() ? QByteArray() : in.answers.first().body;

    switch (in.call % 5) {
    case 0:
        fuzz::call<AccessToken>([&](auto done) {
            tokens.clientCredentialsV1(kTenant, kTenant, QStringLiteral("secret"), QStringLiteral("https://graph.microsoft.com"), false, done);
        });
        break;
    case 1:
        fuzz::call<QJsonObject>([&](auto done) { tokens.signingKeys(kTenant, done); });
        break;
    case 2:
        // The first answer's body is the token; the discovery document and the keys come after it.
        fuzz::call<TokenCheck>([&](auto done) {
            tokens.checkV1Token(kTenant, first, QStringLiteral("https://sts.windows.net/") + kTenant, kTenant, done);
        });
        break;
    case 3:
        deviceCode(http);
        break;
    default:
        pastedToken(http, first);
        break;
    }
    return 0;
}
