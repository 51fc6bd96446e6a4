#pragma once

#include <QString>
#include <QStringList>

// The checks behind the messages shown under the wizard's fields. Each returns an empty string when
// the value is acceptable, otherwise one sentence that says what is expected, so that a view only
// has to display it.
namespace dcr::wizard {

QString tenantProblem(const QString& tenant);
// Konnect personal access tokens start with kpat_, system account tokens with spat_.
QString konnectTokenProblem(const QString& token);
QString nameProblem(const QString& name, int maxLength);
// A profile name names files and keychain entries: 1 to 64 letters, digits, dots, dashes or underscores.
QString profileNameProblem(const QString& name);
// The profile name that follows an app's display name until the user picks one: "Kong Konnect
// DCR" → "Kong-Konnect-DCR".
QString profileNameFor(const QString& appDisplayName);
// An https:// URL, or http:// to this machine (the sandbox); empty is acceptable when optional.
QString serviceUrlProblem(const QString& url, bool optional);
// "appid, sub" or "appid sub" as a list; what the wizard's list fields accept.
QStringList splitList(const QString& text);

}  // namespace dcr::wizard
