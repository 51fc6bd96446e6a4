#pragma once

// Konnect's conventions, shared by its emulated APIs (konnect.cpp), the Portal API (portal.cpp)
// and the gateway (gateway.cpp): problem+json answers, request body checks that report
// invalid_parameters the way Konnect does, list filters and pages, and Azure AD DCR preflight.
#include "sandbox/konnect_state.h"
#include "sandbox/router.h"
#include "sandbox/sandbox_http.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QStringList>

#include <memory>
#include <optional>

namespace dcr::sandbox {

class Directory;

// ---- problem+json -----------------------------------------------------------------------------

Response konnectUnauthorized(const QString& detail = QStringLiteral("Invalid credentials"));
Response konnectNotFound(const QString& detail = QStringLiteral("Not Found"));
Response konnectConflict(const QString& detail);
Response konnectBadRequest(const QJsonArray& invalidParameters);
// A request body that is not a JSON object, as a 400 with invalid_parameters.
Response konnectUnreadableBody(const QString& why);

// Adds a service's routes to the router and remembers them, so that its fallback answers an
// unknown path with 404 and a known path asked with another method with 405 (and Allow), both
// in problem+json: the router only knows to change the fallback's status, not its body.
class KonnectRoutes {
public:
    explicit KonnectRoutes(Router& router);
    void add(const QByteArray& method, const QString& pattern, Router::Handler handler);
    // Call once all routes are added.
    void setFallback(const QString& prefix);

private:
    Router& m_router;
    std::shared_ptr<QList<QPair<QByteArray, QRegularExpression>>> m_routes;
};

// Konnect renders an unset optional string as null.
inline QJsonValue stringOrNull(const QString& s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); }

// ---- request bodies ---------------------------------------------------------------------------

struct StringRule {
    bool required = false;
    int minLength = 0;
    int maxLength = 0;  // 0: no limit
    bool url = false;   // format: url (absolute http or https)
    bool nullable = false;
    QStringList choices;  // an enum, compared case-sensitively
    QString pattern;      // a regular expression the whole value must match

    static StringRule of(bool required, int minLength = 0, int maxLength = 0) {
        StringRule r;
        r.required = required;
        r.minLength = minLength;
        r.maxLength = maxLength;
        return r;
    }
    StringRule asUrl() const {
        StringRule r = *this;
        r.url = true;
        return r;
    }
    StringRule orNull() const {
        StringRule r = *this;
        r.nullable = true;
        return r;
    }
    StringRule oneOf(const QStringList& values) const {
        StringRule r = *this;
        r.choices = values;
        return r;
    }
    StringRule matching(const QString& regularExpression) const {
        StringRule r = *this;
        r.pattern = regularExpression;
        return r;
    }
};

struct ArrayRule {
    bool required = false;
    int minItems = 0;
    int maxItems = 0;       // 0: no limit
    int itemMaxLength = 0;  // 0: no limit; the items are strings
};

// Collects every refused field of one body, with Konnect's rule names ("required", "enum",
// "max_length", "is_url", "unknown_property", …) and the extra keys its spec gives some rules
// (maximum, minimum, choices). Each check passes silently when the key is absent and optional.
class BodyCheck {
public:
    // True when the key is present and valid (a present null counts as valid only if nullable).
    bool string(const QJsonObject& object, const QString& key, const QString& field, const StringRule& rule);
    bool stringArray(const QJsonObject& object, const QString& key, const QString& field, const ArrayRule& rule);
    bool uuid(const QJsonObject& object, const QString& key, const QString& field);
    void boolean(const QJsonObject& object, const QString& key, const QString& field);
    void integer(const QJsonObject& object, const QString& key, const QString& field, bool required, int minimum);
    // Konnect's labels: at most 50; keys of 1–63 characters not starting with kong, konnect, mesh,
    // kic or "_"; values of 1–63 letters, digits, '-', '.', '_' that start and end alphanumeric.
    // An update (LabelsUpdate) may set the whole object or single values to null.
    void labels(const QJsonValue& value, const QString& field, bool update);
    // Refuses the keys of an additionalProperties: false object that the schema does not name.
    void onlyKnown(const QJsonObject& object, const QStringList& known, const QString& fieldPrefix = {});

    void required(const QString& field);
    void unknownProperty(const QString& field);
    void fail(const QString& field, const QString& rule, const QString& reason, const QJsonObject& extra = {});

    bool ok() const { return m_problems.isEmpty(); }
    QJsonArray problems() const { return m_problems; }

private:
    QJsonArray m_problems;
};

// Applies a LabelsUpdate: null clears all labels, a null value removes that label.
QJsonObject mergeLabels(const QJsonObject& current, const QJsonValue& update);

// ---- lists ------------------------------------------------------------------------------------

// Konnect's list conventions: filter[field]=v, filter[field][eq|neq|contains|ocontains|oeq]=v and
// page[size] / page[number]. Filters on fields the collection does not have are refused.
class KonnectListQuery {
public:
    // On a malformed query returns nullopt and *error holds the 400 to answer.
    static std::optional<KonnectListQuery> parse(const Request& request, const QStringList& filterableFields,
                                                 Response* error);
    bool matches(const QMap<QString, QString>& fieldValues) const;
    // {data: [the requested page of items], meta: {page: {number, size, total}}}
    QJsonObject page(const QJsonArray& items) const;

private:
    struct Filter {
        QString field, op, value;
    };
    QList<Filter> m_filters;
    int m_size = 10;
    int m_number = 1;
};

// ---- Azure AD DCR -----------------------------------------------------------------------------

// What stops Konnect's Azure AD DCR from working with this provider, checked against the
// sandbox's tenant the way Konnect meets it: the issuer names the tenant, the initial client's
// credentials must get a token (after replication), and the client needs the Microsoft Graph
// application permission Application.ReadWrite.OwnedBy (or .All) with admin consent.
// Empty when DCR would work.
QStringList azureDcrProblems(const KonnectDcrProvider& provider, const Directory& directory);

}  // namespace dcr::sandbox
