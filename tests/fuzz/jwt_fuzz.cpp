// JWT decoding and RS256 verification against a JWKS document: the token, a newline, then the
// JWKS. Either is anything at all; the answer is always a decision with a reason.
#include "fuzz_support.h"

#include "clients/token_client.h"

#include <QJsonDocument>

using namespace dcr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureApplication();
    const QByteArray input(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray token = newline < 0 ? input : input.left(newline);
    const QJsonObject jwks = newline < 0 ? QJsonObject() : QJsonDocument::fromJson(input.mid(newline + 1)).object();

    QJsonObject header, claims;
    QString why;
    if (!decodeJwt(token, &header, &claims, &why) && why.isEmpty())
        fuzz::violated("decodeJwt refused a token without saying why");
    why.clear();
    if (!verifyJwtSignature(token, jwks, &why) && why.isEmpty())
        fuzz::violated("verifyJwtSignature refused a token without saying why");
    return 0;
}
