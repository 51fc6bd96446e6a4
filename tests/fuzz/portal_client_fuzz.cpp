// A Dev Portal's answers (the session cookie of the developer sign-in, applications with their
// credentials) through the real PortalClient: a value or an explained Error, never a crash.
// The first line of the first answer's body is sent as its Set-Cookie header.
#include "fuzz_support.h"

#include "clients/portal_client.h"

using namespace dcr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureApplication();
    fuzz::ClientInput in = fuzz::ClientInput::parse(data, size);
    if (!in.answers.isEmpty()) {
        fuzz::CannedAnswer& first = in.answers.first();
        const qsizetype newline = first.body.indexOf('\n');
        first.headers.append({"Set-Cookie", first.body.left(newline < 0 ? first.body.size() : newline)});
        first.body = newline < 0 ? QByteArray() : first.body.mid(newline + 1);
    }
    fuzz::CannedNetwork network(in.answers);
    HttpClient http(&network);
    http.setRetryConfig(fuzz::noRetries());
    PortalClient portal(http, QUrl(QStringLiteral("https://portal.example.com/api/v3")));

    switch (in.call % 4) {
    case 0:
        fuzz::call<Nothing>([&](auto done) { portal.authenticate(QStringLiteral("dev@example.com"), QStringLiteral("password"), done); });
        break;
    case 1:
        fuzz::call<PortalApplication>([&](auto done) { portal.createApplication(QStringLiteral("dcr-check"), QStringLiteral("strategy"), done); });
        break;
    case 2:
        fuzz::call<Nothing>([&](auto done) { portal.registerApplication(QStringLiteral("app"), QStringLiteral("api"), done); });
        break;
    default:
        // The session cookie of a first answer goes along with the second request.
        fuzz::call<Nothing>([&](auto done) { portal.authenticate(QStringLiteral("dev@example.com"), QStringLiteral("password"), done); });
        fuzz::call<Nothing>([&](auto done) { portal.deleteApplication(QStringLiteral("app"), done); });
        break;
    }
    return 0;
}
