#include "sandbox/konnect_support.h"

#include "sandbox/directory.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUuid>

namespace dcr::sandbox {

namespace {

const QString kOwnedBy = QStringLiteral("Application.ReadWrite.OwnedBy");
const QString kReadWriteAll = QStringLiteral("Application.ReadWrite.All");

QString typeName(const QJsonValue& v) {
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

bool isHttpUrl(const QString& s) {
    const QUrl url(s, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    return url.isValid() && (scheme == QLatin1String("https") || scheme == QLatin1String("http")) && !url.host().isEmpty();
}

bool isLabelValue(const QString& s) {
    static const QRegularExpression re(QStringLiteral("^[a-z0-9A-Z]([a-z0-9A-Z\\-._]*[a-z0-9A-Z]+)?$"));
    return s.size() <= 63 && re.match(s).hasMatch();
}

QString labelKeyProblem(const QString& key) {
    if (key.isEmpty() || key.size() > 63)
        return QStringLiteral("label keys must have 1 to 63 characters");
    for (const char* reserved : {"kong", "konnect", "mesh", "kic", "_"})
        if (key.startsWith(QLatin1String(reserved), Qt::CaseInsensitive))
            return QStringLiteral("label keys cannot start with \"%1\"").arg(QLatin1String(reserved));
    return {};
}

QJsonObject queryProblem(const QString& field, const QString& rule, const QString& reason) {
    return invalidParameter(field, rule, reason, QStringLiteral("query"));
}

}  // namespace

// ---- problem+json -----------------------------------------------------------------------------

Response konnectUnauthorized(const QString& detail) { return Response::problem(401, QStringLiteral("Unauthorized"), detail); }

Response konnectNotFound(const QString& detail) { return Response::problem(404, QStringLiteral("Not Found"), detail); }

Response konnectConflict(const QString& detail) { return Response::problem(409, QStringLiteral("Conflict"), detail); }

Response konnectBadRequest(const QJsonArray& invalidParameters) {
    return Response::problem(400, QStringLiteral("Bad Request"), QStringLiteral("Invalid request"), invalidParameters);
}

Response konnectUnreadableBody(const QString& why) {
    return konnectBadRequest(QJsonArray{invalidParameter(QStringLiteral("body"), QStringLiteral("invalid"), why)});
}

// ---- KonnectRoutes ----------------------------------------------------------------------------

KonnectRoutes::KonnectRoutes(Router& router)
    : m_router(router), m_routes(std::make_shared<QList<QPair<QByteArray, QRegularExpression>>>()) {}

void KonnectRoutes::add(const QByteArray& method, const QString& pattern, Router::Handler handler) {
    m_routes->append({method, QRegularExpression(QRegularExpression::anchoredPattern(pattern))});
    m_router.add(method, pattern, std::move(handler));
}

void KonnectRoutes::setFallback(const QString& prefix) {
    m_router.setFallback(prefix, [routes = m_routes](const Request& request) {
        QByteArrayList allowed;
        for (const auto& [method, pattern] : *routes)
            if (pattern.match(request.path).hasMatch() && !allowed.contains(method))
                allowed << method;
        if (allowed.isEmpty())
            return konnectNotFound();
        Response r = Response::problem(405, QStringLiteral("Method Not Allowed"),
                                       QStringLiteral("%1 is not allowed here; use %2")
                                           .arg(QString::fromLatin1(request.method), QString::fromLatin1(allowed.join(", "))));
        r.header("Allow", allowed.join(", "));
        return r;
    });
}

// ---- BodyCheck --------------------------------------------------------------------------------

void BodyCheck::fail(const QString& field, const QString& rule, const QString& reason, const QJsonObject& extra) {
    QJsonObject entry = invalidParameter(field, rule, reason);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        entry.insert(it.key(), it.value());
    m_problems.append(entry);
}

void BodyCheck::required(const QString& field) { fail(field, QStringLiteral("required"), QStringLiteral("is a required field")); }

void BodyCheck::unknownProperty(const QString& field) {
    fail(field, QStringLiteral("unknown_property"), QStringLiteral("is not a known property and is not allowed here"));
}

bool BodyCheck::string(const QJsonObject& object, const QString& key, const QString& field, const StringRule& rule) {
    const QJsonValue v = object.value(key);
    if (v.isUndefined()) {
        if (rule.required)
            required(field);
        return false;
    }
    if (v.isNull() && rule.nullable)
        return true;
    if (!v.isString()) {
        fail(field, QStringLiteral("is_string"), QStringLiteral("must be a string, not %1").arg(typeName(v)));
        return false;
    }
    const QString s = v.toString();
    if (!rule.choices.isEmpty()) {
        if (rule.choices.contains(s))
            return true;
        fail(field, QStringLiteral("enum"), QStringLiteral("must be one of: %1").arg(rule.choices.join(QStringLiteral(", "))),
             QJsonObject{{QStringLiteral("choices"), QJsonArray::fromStringList(rule.choices)}});
        return false;
    }
    if (s.size() < rule.minLength) {
        fail(field, QStringLiteral("min_length"), QStringLiteral("must have at least %1 characters").arg(rule.minLength),
             QJsonObject{{QStringLiteral("minimum"), rule.minLength}});
        return false;
    }
    if (rule.maxLength > 0 && s.size() > rule.maxLength) {
        fail(field, QStringLiteral("max_length"), QStringLiteral("must not have more than %1 characters").arg(rule.maxLength),
             QJsonObject{{QStringLiteral("maximum"), rule.maxLength}});
        return false;
    }
    if (rule.url && !isHttpUrl(s)) {
        fail(field, QStringLiteral("is_url"), QStringLiteral("must be a valid URL"));
        return false;
    }
    if (!rule.pattern.isEmpty() && !QRegularExpression(rule.pattern).match(s).hasMatch()) {
        fail(field, QStringLiteral("matches_regex"), QStringLiteral("must match the pattern %1").arg(rule.pattern));
        return false;
    }
    return true;
}

bool BodyCheck::stringArray(const QJsonObject& object, const QString& key, const QString& field, const ArrayRule& rule) {
    const QJsonValue v = object.value(key);
    if (v.isUndefined()) {
        if (rule.required)
            required(field);
        return false;
    }
    if (!v.isArray()) {
        fail(field, QStringLiteral("is_array"), QStringLiteral("must be an array, not %1").arg(typeName(v)));
        return false;
    }
    const QJsonArray items = v.toArray();
    if (items.size() < rule.minItems) {
        fail(field, QStringLiteral("min_items"), QStringLiteral("must have at least %1 items").arg(rule.minItems),
             QJsonObject{{QStringLiteral("minimum"), rule.minItems}});
        return false;
    }
    if (rule.maxItems > 0 && items.size() > rule.maxItems) {
        fail(field, QStringLiteral("max_items"), QStringLiteral("must not have more than %1 items").arg(rule.maxItems),
             QJsonObject{{QStringLiteral("maximum"), rule.maxItems}});
        return false;
    }
    bool valid = true;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString itemField = QStringLiteral("%1[%2]").arg(field).arg(i);
        if (!items.at(i).isString()) {
            fail(itemField, QStringLiteral("is_string"), QStringLiteral("must be a string, not %1").arg(typeName(items.at(i))));
            valid = false;
        } else if (rule.itemMaxLength > 0 && items.at(i).toString().size() > rule.itemMaxLength) {
            fail(itemField, QStringLiteral("max_length"),
                 QStringLiteral("must not have more than %1 characters").arg(rule.itemMaxLength),
                 QJsonObject{{QStringLiteral("maximum"), rule.itemMaxLength}});
            valid = false;
        }
    }
    return valid;
}

bool BodyCheck::uuid(const QJsonObject& object, const QString& key, const QString& field) {
    const QJsonValue v = object.value(key);
    if (v.isUndefined())
        return false;
    const QString s = v.toString();
    if (v.isString() && s.size() == 36 && !QUuid::fromString(s).isNull())
        return true;
    fail(field, QStringLiteral("is_uuid"), QStringLiteral("must be a valid UUID"));
    return false;
}

void BodyCheck::boolean(const QJsonObject& object, const QString& key, const QString& field) {
    const QJsonValue v = object.value(key);
    if (!v.isUndefined() && !v.isBool())
        fail(field, QStringLiteral("is_boolean"), QStringLiteral("must be a boolean, not %1").arg(typeName(v)));
}

void BodyCheck::integer(const QJsonObject& object, const QString& key, const QString& field, bool isRequired, int minimum) {
    const QJsonValue v = object.value(key);
    if (v.isUndefined()) {
        if (isRequired)
            required(field);
        return;
    }
    const double d = v.toDouble();
    if (!v.isDouble() || d != static_cast<double>(static_cast<qint64>(d))) {
        fail(field, QStringLiteral("is_integer"), QStringLiteral("must be an integer"));
        return;
    }
    if (d < minimum)
        fail(field, QStringLiteral("min"), QStringLiteral("must be at least %1").arg(minimum),
             QJsonObject{{QStringLiteral("minimum"), minimum}});
}

void BodyCheck::labels(const QJsonValue& value, const QString& field, bool update) {
    if (update && value.isNull())
        return;
    if (!value.isObject()) {
        fail(field, QStringLiteral("is_object"), QStringLiteral("must be an object, not %1").arg(typeName(value)));
        return;
    }
    const QJsonObject labels = value.toObject();
    if (labels.size() > 50) {
        fail(field, QStringLiteral("is_label"), QStringLiteral("must not have more than 50 labels"));
        return;
    }
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        const QString labelField = field + QLatin1Char('.') + it.key();
        const QString keyProblem = labelKeyProblem(it.key());
        if (!keyProblem.isEmpty())
            fail(labelField, QStringLiteral("is_label"), keyProblem);
        else if (update && it.value().isNull())
            continue;
        else if (!it.value().isString() || !isLabelValue(it.value().toString()))
            fail(labelField, QStringLiteral("is_label"),
                 QStringLiteral("label values must be 1 to 63 letters, digits, '-', '.' or '_', starting and ending "
                                "with a letter or digit"));
    }
}

void BodyCheck::onlyKnown(const QJsonObject& object, const QStringList& known, const QString& fieldPrefix) {
    for (auto it = object.begin(); it != object.end(); ++it)
        if (!known.contains(it.key()))
            unknownProperty(fieldPrefix + it.key());
}

QJsonObject mergeLabels(const QJsonObject& current, const QJsonValue& update) {
    if (update.isNull())
        return {};
    QJsonObject merged = current;
    const QJsonObject changes = update.toObject();
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (it.value().isNull())
            merged.remove(it.key());
        else
            merged.insert(it.key(), it.value());
    }
    return merged;
}

// ---- KonnectListQuery -------------------------------------------------------------------------

std::optional<KonnectListQuery> KonnectListQuery::parse(const Request& request, const QStringList& filterableFields,
                                                        Response* error) {
    static const QRegularExpression filterKey(QStringLiteral("^filter\\[([a-z_]+)\\](?:\\[([a-z]+)\\])?$"));
    static const QStringList operators{QStringLiteral("eq"), QStringLiteral("neq"), QStringLiteral("contains"),
                                       QStringLiteral("ocontains"), QStringLiteral("oeq")};
    KonnectListQuery q;
    QJsonArray problems;
    const auto pageValue = [&problems](const QString& name, const QString& value, int maximum, int* out) {
        bool ok = false;
        const int n = value.toInt(&ok);
        if (!ok)
            problems.append(queryProblem(name, QStringLiteral("is_integer"), QStringLiteral("must be an integer")));
        else if (n < 1)
            problems.append(queryProblem(name, QStringLiteral("min"), QStringLiteral("must be at least 1")));
        else if (maximum > 0 && n > maximum)
            problems.append(queryProblem(name, QStringLiteral("max"), QStringLiteral("must not be more than %1").arg(maximum)));
        else
            *out = n;
    };
    for (const auto& [key, value] : request.query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("page[size]")) {
            pageValue(key, value, 100, &q.m_size);
            continue;
        }
        if (key == QLatin1String("page[number]")) {
            pageValue(key, value, 0, &q.m_number);
            continue;
        }
        const QRegularExpressionMatch m = filterKey.match(key);
        if (!m.hasMatch()) {
            if (key.startsWith(QLatin1String("filter")))
                problems.append(queryProblem(key, QStringLiteral("invalid"), QStringLiteral("is not a valid filter")));
            continue;
        }
        const QString field = m.captured(1);
        const QString op = m.captured(2).isEmpty() ? QStringLiteral("eq") : m.captured(2);
        if (!filterableFields.contains(field))
            problems.append(queryProblem(key, QStringLiteral("unknown_property"),
                                         QStringLiteral("cannot filter on %1; filterable fields: %2")
                                             .arg(field, filterableFields.join(QStringLiteral(", ")))));
        else if (!operators.contains(op))
            problems.append(queryProblem(key, QStringLiteral("enum"),
                                         QStringLiteral("the operator must be one of: %1").arg(operators.join(QStringLiteral(", ")))));
        else
            q.m_filters.append({field, op, value});
    }
    if (!problems.isEmpty()) {
        *error = konnectBadRequest(problems);
        return std::nullopt;
    }
    return q;
}

bool KonnectListQuery::matches(const QMap<QString, QString>& fieldValues) const {
    for (const Filter& f : m_filters) {
        const QString actual = fieldValues.value(f.field);
        const QStringList anyOf = f.value.split(QLatin1Char(','));
        bool match = false;
        if (f.op == QLatin1String("eq"))
            match = actual == f.value;
        else if (f.op == QLatin1String("neq"))
            match = actual != f.value;
        else if (f.op == QLatin1String("contains"))
            match = actual.contains(f.value, Qt::CaseInsensitive);
        else if (f.op == QLatin1String("oeq"))
            match = anyOf.contains(actual);
        else
            match = std::any_of(anyOf.begin(), anyOf.end(),
                                [&](const QString& part) { return actual.contains(part, Qt::CaseInsensitive); });
        if (!match)
            return false;
    }
    return true;
}

QJsonObject KonnectListQuery::page(const QJsonArray& items) const {
    QJsonArray data;
    const qint64 first = static_cast<qint64>(m_number - 1) * m_size;
    for (qint64 i = first; i < items.size() && i < first + m_size; ++i)
        data.append(items.at(static_cast<qsizetype>(i)));
    const QJsonObject page{{QStringLiteral("number"), m_number},
                           {QStringLiteral("size"), m_size},
                           {QStringLiteral("total"), static_cast<int>(items.size())}};
    return QJsonObject{{QStringLiteral("data"), data}, {QStringLiteral("meta"), QJsonObject{{QStringLiteral("page"), page}}}};
}

// ---- Azure AD DCR -----------------------------------------------------------------------------

QStringList azureDcrProblems(const KonnectDcrProvider& provider, const Directory& directory) {
    const QUrl issuer(provider.issuer);
    const QStringList segments = issuer.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString host = issuer.host().toLower();
    if (host == QLatin1String("login.microsoftonline.com") && segments.value(1) == QLatin1String("v2.0"))
        return {QStringLiteral("The issuer %1 is the v2.0 issuer: Konnect's Azure AD DCR supports v1 only. Use "
                               "https://sts.windows.net/<tenant id>.")
                    .arg(provider.issuer)};
    if (issuer.path().endsWith(QLatin1Char('/')))
        return {QStringLiteral("The issuer %1 ends with a slash: enter https://sts.windows.net/<tenant id> without the "
                               "trailing slash that the tokens' iss claim carries.")
                    .arg(provider.issuer)};
    if (host != QLatin1String("sts.windows.net") || segments.size() != 1)
        return {QStringLiteral("The issuer %1 does not name an Entra ID tenant the way Konnect expects: "
                               "https://sts.windows.net/<tenant id>.")
                    .arg(provider.issuer)};
    if (!directory.isThisTenant(segments.first()))
        return {QStringLiteral("Unable to get a token for the initial client: AADSTS90002: Tenant '%1' not found. Check "
                               "to make sure you have the correct tenant ID and are signing into the correct cloud.")
                    .arg(segments.first())};

    const QString clientId = provider.dcrConfig.value(QStringLiteral("initial_client_id")).toString();
    const QString secret = provider.dcrConfig.value(QStringLiteral("initial_client_secret")).toString();
    switch (directory.checkClientSecret(clientId, secret)) {
    case Directory::SecretCheck::Ok:
        break;
    case Directory::SecretCheck::UnknownApplication:
        // Also what a just-created app gets until it has replicated.
        return {QStringLiteral("Unable to get a token for the initial client: AADSTS700016: Application with identifier "
                               "'%1' was not found in the directory '%2'. This can happen if the application has not "
                               "been installed by the administrator of the tenant or consented to by any user in the "
                               "tenant. You may have sent your authentication request to the wrong tenant.")
                    .arg(clientId, directory.tenant.displayName)};
    case Directory::SecretCheck::WrongSecret:
        return {QStringLiteral("Unable to get a token for the initial client: AADSTS7000215: Invalid client secret "
                               "provided. Ensure the secret being sent in the request is the client secret value, not "
                               "the client secret ID, for a secret added to app '%1'.")
                    .arg(clientId)};
    case Directory::SecretCheck::ExpiredSecret:
        return {QStringLiteral("Unable to get a token for the initial client: AADSTS7000222: The provided client secret "
                               "keys for app '%1' are expired. Create a new secret and update the DCR provider.")
                    .arg(clientId)};
    }
    const QStringList roles = directory.grantedRoles(clientId, Directory::kGraphAppId);
    if (!roles.contains(kOwnedBy) && !roles.contains(kReadWriteAll))
        return {QStringLiteral("Unable to create the DCR application: Microsoft Graph answered 403 "
                               "Authorization_RequestDenied (Insufficient privileges to complete the operation). The "
                               "initial client '%1' is missing the application permission %2 (or %3) with admin "
                               "consent.")
                    .arg(clientId, kOwnedBy, kReadWriteAll)};
    return {};
}

}  // namespace dcr::sandbox
