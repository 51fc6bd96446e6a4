// Profile files: anything that parses is valid and survives a round trip through toJson unchanged;
// anything else is refused with at least one sentence saying what is wrong.
#include "fuzz_support.h"

#include "profile/profile.h"

#include <QJsonDocument>

using namespace dcr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureApplication();
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size)));
    QStringList errors;
    const std::optional<Profile> profile = Profile::fromJson(doc.object(), &errors);
    if (!profile) {
        if (errors.isEmpty())
            fuzz::violated("a profile refused without a reason");
        for (const QString& e : errors)
            if (e.trimmed().isEmpty())
                fuzz::violated("an empty reason for refusing a profile");
        return 0;
    }
    if (!profile->validate().isEmpty())
        fuzz::violated("a profile accepted by fromJson that validate() refuses");
    QStringList again;
    const std::optional<Profile> reread = Profile::fromJson(profile->toJson(), &again);
    if (!reread)
        fuzz::violated("a valid profile that does not read back from its own toJson()");
    if (reread->toJson() != profile->toJson())
        fuzz::violated("a profile that changes on a round trip through toJson()");
    return 0;
}
