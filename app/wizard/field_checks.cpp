#include "wizard/field_checks.h"

#include "core/http_client.h"
#include "profile/profile.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QUrl>

namespace dcr::wizard {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("dcr::wizard", text); }
}  // namespace

QString tenantProblem(const QString& tenant) {
    const QString t = tenant.trimmed();
    if (t.isEmpty())
        return tr("Enter the tenant ID (a GUID) or one of its verified domains.");
    if (isTenantGuid(t) || isTenantDomain(t))
        return {};
    static const QRegularExpression partialGuid(QStringLiteral("^[0-9a-fA-F]+(-[0-9a-fA-F]*)+$"));
    if (partialGuid.match(t).hasMatch())
        return tr("This is not a complete tenant ID: it has the form 00000000-0000-0000-0000-000000000000.");
    return tr("Enter a tenant ID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 or a domain such as contoso.onmicrosoft.com.");
}

QString konnectTokenProblem(const QString& token) {
    static const QRegularExpression format(QStringLiteral("^(kpat|spat)_[A-Za-z0-9_-]{20,}$"));
    const QString t = token.trimmed();
    if (t.isEmpty())
        return tr("Paste a Konnect personal access token (kpat_…) or a system account token (spat_…).");
    if (!t.startsWith(QLatin1String("kpat_")) && !t.startsWith(QLatin1String("spat_")))
        return tr("Konnect tokens start with kpat_ (personal access token) or spat_ (system account token).");
    if (!format.match(t).hasMatch())
        return tr("This token is incomplete or has characters Konnect tokens never contain; copy it again.");
    return {};
}

QString nameProblem(const QString& name, int maxLength) {
    if (name.trimmed().isEmpty())
        return tr("Enter a name.");
    if (name.size() > maxLength)
        return tr("Use at most %1 characters.").arg(maxLength);
    return {};
}

QString profileNameProblem(const QString& name) {
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (name.isEmpty())
        return tr("Enter a profile name.");
    if (!allowed.match(name).hasMatch())
        return tr("Use 1 to 64 letters, digits, dots, dashes or underscores.");
    return {};
}

QString profileNameFor(const QString& appDisplayName) {
    QString name;
    for (const QChar c : appDisplayName.trimmed()) {
        const bool plain = c.unicode() < 128 && (c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('-'));
        if (plain)
            name += c;
        else if (!name.endsWith(QLatin1Char('-')))
            name += QLatin1Char('-');
    }
    while (name.endsWith(QLatin1Char('-')))
        name.chop(1);
    name = name.left(64);
    return name.isEmpty() ? QStringLiteral("default") : name;
}

QString serviceUrlProblem(const QString& url, bool optional) {
    if (url.trimmed().isEmpty())
        return optional ? QString() : tr("Enter a URL.");
    const QUrl parsed(url.trimmed(), QUrl::StrictMode);
    if (!parsed.isValid() || parsed.host().isEmpty() || !HttpClient::isAllowedUrl(parsed))
        return tr("Enter an https:// URL (http:// only to this computer).");
    return {};
}

QStringList splitList(const QString& text) {
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

}  // namespace dcr::wizard
