// The error bodies of every service (Entra ID's AADSTS answers, Graph's {"error":{…}}, Konnect's
// problem+json) as the error mapping, the retry policy and the redaction read them: always an
// Error with a code, what happened and what to do, and redacted text that is valid UTF-8 again.
#include "fuzz_support.h"

#include "core/error.h"
#include "core/redaction.h"
#include "core/retry_policy.h"

using namespace dcr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureApplication();
    if (size < 2)
        return 0;
    static const int kStatuses[] = {400, 401, 403, 404, 408, 409, 412, 429, 500, 501, 502, 503, 504, 505};
    const int status = kStatuses[data[1] % (sizeof kStatuses / sizeof kStatuses[0])];
    const QByteArray body(reinterpret_cast<const char*>(data + 2), static_cast<qsizetype>(size - 2));
    static const ErrorFlavor kFlavors[] = {ErrorFlavor::Entra, ErrorFlavor::Graph, ErrorFlavor::Konnect, ErrorFlavor::Plain};
    const ErrorFlavor flavor = kFlavors[data[0] % 4];

    const Error error = Error::fromResponse(flavor, status, body);
    fuzz::checkError(error);
    if (error.httpStatus != status)
        fuzz::violated("an Error that forgot the HTTP status it explains");
    GraphErrorBody::parse(body);
    RetryPolicy::isGraphReplicationError(status, body);
    redactJson(body);
    redactForm(body);
    redactBody("application/json", body);
    redactBody("application/x-www-form-urlencoded", body);
    redactBody("text/html", body);
    redactText(QString::fromUtf8(body));
    return 0;
}
