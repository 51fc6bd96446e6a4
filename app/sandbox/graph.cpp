// Microsoft Graph v1.0 under /graph/v1.0: the directory objects the DCR setup creates and consents
// (applications, service principals, app role assignments, delegated permission grants), with
// Graph's token checks, its OData query options and error bodies, and the directory's replication
// delay (api-facts §2): whatever one call creates, other calls see only once it has replicated.
#include "sandbox/services.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUrl>

#include <memory>
#include <optional>
#include <vector>

namespace dcr::sandbox {

namespace {

const QString kRoot = QStringLiteral("/graph/v1.0");
// Graph names its own service root in @odata.context whatever host was called; links meant to be
// followed (@odata.nextLink) point at the sandbox instead.
const QString kContextRoot = QStringLiteral("https://graph.microsoft.com/v1.0/$metadata#");
const QString kZeroGuid = QStringLiteral("00000000-0000-0000-0000-000000000000");
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 999;
constexpr int kDefaultSecretLifetimeYears = 2;

const QStringList kGraphAudiences{QStringLiteral("https://graph.microsoft.com"), QStringLiteral("https://graph.microsoft.com/"),
                                  QStringLiteral("00000003-0000-0000-c000-000000000000")};
const QStringList kSignInAudiences{QStringLiteral("AzureADMyOrg"), QStringLiteral("AzureADMultipleOrgs"),
                                   QStringLiteral("AzureADandPersonalMicrosoftAccount"),
                                   QStringLiteral("PersonalMicrosoftAccount")};

// Which permissions (scp values of delegated tokens, roles of app-only tokens) allow what.
const QStringList kApplicationReaders{QStringLiteral("Application.Read.All"), QStringLiteral("Application.ReadWrite.All"),
                                      QStringLiteral("Directory.Read.All"), QStringLiteral("Directory.ReadWrite.All")};
const QStringList kApplicationWriters{QStringLiteral("Application.ReadWrite.All")};
const QString kOwnedBy = QStringLiteral("Application.ReadWrite.OwnedBy");
const QStringList kAssignmentWriters{QStringLiteral("AppRoleAssignment.ReadWrite.All")};
const QStringList kGrantWriters{QStringLiteral("DelegatedPermissionGrant.ReadWrite.All")};
const QStringList kGrantReaders{QStringLiteral("DelegatedPermissionGrant.ReadWrite.All"),
                                QStringLiteral("DelegatedPermissionGrant.Read.All"), QStringLiteral("Directory.Read.All"),
                                QStringLiteral("Directory.ReadWrite.All")};
const QStringList kProfileReaders{QStringLiteral("User.Read"),
                                  QStringLiteral("User.ReadWrite"),
                                  QStringLiteral("User.ReadBasic.All"),
                                  QStringLiteral("User.Read.All"),
                                  QStringLiteral("User.ReadWrite.All"),
                                  QStringLiteral("Directory.Read.All"),
                                  QStringLiteral("Directory.ReadWrite.All")};
const QStringList kOrganizationReaders{QStringLiteral("User.Read"), QStringLiteral("Directory.Read.All"),
                                       QStringLiteral("Directory.ReadWrite.All"), QStringLiteral("Organization.Read.All"),
                                       QStringLiteral("Organization.ReadWrite.All")};

// Path segments the routes know, for naming the one that is not in "Resource not found for the segment".
const QStringList kKnownSegments{QStringLiteral("applications"),
                                 QStringLiteral("servicePrincipals"),
                                 QStringLiteral("oauth2PermissionGrants"),
                                 QStringLiteral("organization"),
                                 QStringLiteral("me"),
                                 QStringLiteral("directory"),
                                 QStringLiteral("deletedItems"),
                                 QStringLiteral("owners"),
                                 QStringLiteral("appRoleAssignedTo"),
                                 QStringLiteral("appRoleAssignments"),
                                 QStringLiteral("addPassword"),
                                 QStringLiteral("removePassword"),
                                 QStringLiteral("microsoft.graph.addPassword"),
                                 QStringLiteral("microsoft.graph.removePassword")};

// ---- errors ----------------------------------------------------------------------------------

Response notFound(const QString& id) {
    return Response::graphError(
        404, QStringLiteral("Request_ResourceNotFound"),
        QStringLiteral("Resource '%1' does not exist or one of its queried reference-property objects are not present.").arg(id));
}

Response forbidden() {
    return Response::graphError(403, QStringLiteral("Authorization_RequestDenied"),
                                QStringLiteral("Insufficient privileges to complete the operation."));
}

// The directory's own validation errors.
Response badRequest(const QString& message) { return Response::graphError(400, QStringLiteral("Request_BadRequest"), message); }

// The OData layer's errors (payload syntax, query options, URL segments).
Response odataError(const QString& message) { return Response::graphError(400, QStringLiteral("BadRequest"), message); }

Response invalidValue(const QString& property, const QString& resource) {
    return badRequest(QStringLiteral("Invalid value specified for property '%1' of resource '%2'.").arg(property, resource));
}

Response unknownProperty(const QString& property, const QString& type) {
    return badRequest(QStringLiteral("Property '%1' does not exist on type '%2'.").arg(property, type));
}

Response readOnlyProperty(const QString& property) {
    return badRequest(QStringLiteral("Property '%1' is read-only and cannot be set.").arg(property));
}

// What a replica that has not yet received a referenced object answers.
Response notValidReference() { return badRequest(QStringLiteral("Not a valid reference update.")); }

Response noBackingApplication(const QString& appId) {
    const QString message =
        QStringLiteral("The appId '%1' of the service principal does not reference a valid application object.").arg(appId);
    return Response::graphError(400, QStringLiteral("Request_BadRequest"), message,
                                QJsonArray{QJsonObject{{QStringLiteral("code"), QStringLiteral("NoBackingApplicationObject")},
                                                       {QStringLiteral("message"), message},
                                                       {QStringLiteral("target"), QStringLiteral("appId")}}});
}

// ---- values ----------------------------------------------------------------------------------

bool isGuid(const QString& text) {
    static const QRegularExpression guid(
        QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return guid.match(text).hasMatch();
}

bool isAnnotation(const QString& key) { return key.contains(QLatin1Char('@')); }

QStringList toStringList(const QJsonValue& value) {
    QStringList list;
    for (const QJsonValue& v : value.toArray())
        list.append(v.toString());
    return list;
}

QString literal(const QJsonValue& v) {
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return QString::number(v.toDouble(), 'g', 17);
}

enum class Kind { String, Bool, Int, Guid, StringArray, ObjectArray, Object };

struct PropertyType {
    const char* name;
    Kind kind;
};
using Schema = QList<PropertyType>;

const PropertyType* findProperty(const Schema& schema, const QString& name) {
    for (const PropertyType& p : schema)
        if (name == QLatin1String(p.name))
            return &p;
    return nullptr;
}

QJsonValue defaultValue(Kind kind) {
    return kind == Kind::StringArray || kind == Kind::ObjectArray ? QJsonValue(QJsonArray()) : QJsonValue();
}

// Checks a value against its declared type, worded as Graph's OData reader words mismatches.
// An absent member has nothing to check; whether it is required is the caller's business.
std::optional<Response> typeError(const QString& name, const QJsonValue& v, Kind kind) {
    if (v.isUndefined())
        return std::nullopt;
    const auto node = [](const QJsonValue& x) {
        return x.isArray()    ? QStringLiteral("StartArray")
               : x.isObject() ? QStringLiteral("StartObject")
                              : QStringLiteral("PrimitiveValue");
    };
    const auto unexpected = [&](const QJsonValue& found, const QString& expected) {
        return odataError(QStringLiteral("An unexpected '%1' node was found for property named '%2' when reading from the "
                                         "JSON reader. A '%3' node was expected.")
                              .arg(node(found), name, expected));
    };
    const auto unconvertible = [](const QJsonValue& found, const QString& edmType) {
        return odataError(
            QStringLiteral("Cannot convert the literal '%1' to the expected type '%2'.").arg(literal(found), edmType));
    };
    switch (kind) {
    case Kind::StringArray:
    case Kind::ObjectArray:
        if (!v.isArray())
            return unexpected(v, QStringLiteral("StartArray"));
        for (const QJsonValue& item : v.toArray()) {
            if (kind == Kind::ObjectArray && !item.isObject())
                return unexpected(item, QStringLiteral("StartObject"));
            if (kind == Kind::StringArray && (item.isArray() || item.isObject()))
                return unexpected(item, QStringLiteral("PrimitiveValue"));
            if (kind == Kind::StringArray && !item.isString())
                return unconvertible(item, QStringLiteral("Edm.String"));
        }
        return std::nullopt;
    case Kind::Object:
        if (v.isNull() || v.isObject())
            return std::nullopt;
        return unexpected(v, QStringLiteral("StartObject"));
    case Kind::String:
    case Kind::Bool:
    case Kind::Int:
    case Kind::Guid:
        break;
    }
    if (v.isNull())
        return std::nullopt;
    if (v.isArray() || v.isObject())
        return unexpected(v, QStringLiteral("PrimitiveValue"));
    switch (kind) {
    case Kind::Bool:
        return v.isBool() ? std::nullopt : std::optional<Response>(unconvertible(v, QStringLiteral("Edm.Boolean")));
    case Kind::Int:
        return v.isDouble() && v.toDouble() == static_cast<double>(v.toInteger())
                   ? std::nullopt
                   : std::optional<Response>(unconvertible(v, QStringLiteral("Edm.Int32")));
    case Kind::Guid:
        return v.isString() && isGuid(v.toString()) ? std::nullopt
                                                    : std::optional<Response>(unconvertible(v, QStringLiteral("Edm.Guid")));
    default:
        return v.isString() ? std::nullopt : std::optional<Response>(unconvertible(v, QStringLiteral("Edm.String")));
    }
}

// A complex value (web, api, …): an object whose members must belong to its type.
std::optional<Response> complexTypeError(const QString& name, const QJsonValue& v, const Schema& members, const QString& type) {
    if (std::optional<Response> e = typeError(name, v, Kind::Object))
        return e;
    const QJsonObject object = v.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (isAnnotation(it.key()))
            continue;
        const PropertyType* member = findProperty(members, it.key());
        if (!member)
            return unknownProperty(it.key(), type);
        if (std::optional<Response> e = typeError(it.key(), it.value(), member->kind))
            return e;
    }
    return std::nullopt;
}

std::optional<Response> unknownMember(const QJsonObject& object, const QStringList& known, const QString& type) {
    for (auto it = object.begin(); it != object.end(); ++it)
        if (!isAnnotation(it.key()) && !known.contains(it.key()))
            return unknownProperty(it.key(), type);
    return std::nullopt;
}

bool readBody(const Request& r, QJsonObject* body, Response* error) {
    if (r.body.trimmed().isEmpty()) {
        *error = odataError(QStringLiteral("Empty Payload. JSON content expected."));
        return false;
    }
    QString why;
    if (!r.jsonObject(body, &why)) {
        *error = odataError(why);
        return false;
    }
    return true;
}

// ---- schemas ---------------------------------------------------------------------------------

// Writable application properties the sandbox keeps as sent. displayName, signInAudience,
// requiredResourceAccess, isFallbackPublicClient, publicClient, web and api are modelled instead.
const Schema kApplicationStored{
    {"addIns", Kind::ObjectArray},
    {"appRoles", Kind::ObjectArray},
    {"defaultRedirectUri", Kind::String},
    {"description", Kind::String},
    {"groupMembershipClaims", Kind::String},
    {"identifierUris", Kind::StringArray},
    {"info", Kind::Object},
    {"isDeviceOnlyAuthSupported", Kind::Bool},
    {"keyCredentials", Kind::ObjectArray},
    {"nativeAuthenticationApisEnabled", Kind::String},
    {"notes", Kind::String},
    {"oauth2RequirePostResponse", Kind::Bool},
    {"optionalClaims", Kind::Object},
    {"parentalControlSettings", Kind::Object},
    {"requestSignatureVerification", Kind::Object},
    {"samlMetadataUrl", Kind::String},
    {"serviceManagementReference", Kind::String},
    {"servicePrincipalLockConfiguration", Kind::Object},
    {"spa", Kind::Object},
    {"tags", Kind::StringArray},
    {"tokenEncryptionKeyId", Kind::Guid},
};
const QStringList kApplicationReadOnly{QStringLiteral("id"),
                                       QStringLiteral("appId"),
                                       QStringLiteral("applicationTemplateId"),
                                       QStringLiteral("certification"),
                                       QStringLiteral("createdDateTime"),
                                       QStringLiteral("deletedDateTime"),
                                       QStringLiteral("disabledByMicrosoftStatus"),
                                       QStringLiteral("passwordCredentials"),
                                       QStringLiteral("publisherDomain"),
                                       QStringLiteral("uniqueName"),
                                       QStringLiteral("verifiedPublisher")};
const Schema kWebMembers{{"homePageUrl", Kind::String},
                         {"logoutUrl", Kind::String},
                         {"redirectUris", Kind::StringArray},
                         {"implicitGrantSettings", Kind::Object},
                         {"redirectUriSettings", Kind::ObjectArray}};
const Schema kPublicClientMembers{{"redirectUris", Kind::StringArray}};
const Schema kApiMembers{{"acceptMappedClaims", Kind::Bool},
                         {"knownClientApplications", Kind::StringArray},
                         {"oauth2PermissionScopes", Kind::ObjectArray},
                         {"preAuthorizedApplications", Kind::ObjectArray},
                         {"requestedAccessTokenVersion", Kind::Int}};

const Schema kServicePrincipalStored{
    {"accountEnabled", Kind::Bool},
    {"appRoleAssignmentRequired", Kind::Bool},
    {"description", Kind::String},
    {"homepage", Kind::String},
    {"loginUrl", Kind::String},
    {"logoutUrl", Kind::String},
    {"notes", Kind::String},
    {"notificationEmailAddresses", Kind::StringArray},
    {"preferredSingleSignOnMode", Kind::String},
    {"replyUrls", Kind::StringArray},
    {"tags", Kind::StringArray},
};
const QStringList kServicePrincipalReadOnly{QStringLiteral("id"),
                                            QStringLiteral("appDisplayName"),
                                            QStringLiteral("appOwnerOrganizationId"),
                                            QStringLiteral("deletedDateTime"),
                                            QStringLiteral("servicePrincipalType"),
                                            QStringLiteral("signInAudience")};

const QStringList kPasswordCredentialMembers{QStringLiteral("customKeyIdentifier"),
                                             QStringLiteral("displayName"),
                                             QStringLiteral("endDateTime"),
                                             QStringLiteral("hint"),
                                             QStringLiteral("keyId"),
                                             QStringLiteral("secretText"),
                                             QStringLiteral("startDateTime")};
const QStringList kAssignmentReadOnly{QStringLiteral("id"),
                                      QStringLiteral("deletedDateTime"),
                                      QStringLiteral("createdDateTime"),
                                      QStringLiteral("principalDisplayName"),
                                      QStringLiteral("principalType"),
                                      QStringLiteral("resourceDisplayName")};
const QStringList kGrantMembers{QStringLiteral("clientId"), QStringLiteral("consentType"), QStringLiteral("principalId"),
                                QStringLiteral("resourceId"), QStringLiteral("scope")};

// Graph replaces a complex value as a whole, so a stored one only needs laying over the defaults.
void overlay(QJsonObject* target, const QJsonObject& stored) {
    for (auto it = stored.begin(); it != stored.end(); ++it) {
        const QJsonValue current = target->value(it.key());
        if (current.isObject() && it.value().isObject()) {
            QJsonObject merged = current.toObject();
            const QJsonObject extra = it.value().toObject();
            for (auto m = extra.begin(); m != extra.end(); ++m)
                merged.insert(m.key(), m.value());
            target->insert(it.key(), merged);
        } else {
            target->insert(it.key(), it.value());
        }
    }
}

void setMember(QJsonObject* object, const QString& property, const QString& member, const QJsonValue& value) {
    QJsonObject inner = object->value(property).toObject();
    inner.insert(member, value);
    object->insert(property, inner);
}

QJsonObject without(QJsonObject object, const QString& key) {
    object.remove(key);
    return object;
}

// Web and single-page redirect URIs must be HTTPS or loopback HTTP; public clients may use any scheme.
bool validRedirectUri(const QString& uri, bool webStyle) {
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid() || url.isRelative())
        return false;
    if (!webStyle)
        return true;
    if (url.scheme() == QLatin1String("https"))
        return !url.host().isEmpty();
    return url.scheme() == QLatin1String("http") &&
           (url.host() == QLatin1String("localhost") || url.host() == QLatin1String("127.0.0.1"));
}

std::optional<Response> requiredResourceAccessError(const QJsonValue& value) {
    if (std::optional<Response> e = typeError(QStringLiteral("requiredResourceAccess"), value, Kind::ObjectArray))
        return e;
    for (const QJsonValue& entry : value.toArray()) {
        const QJsonObject resource = entry.toObject();
        if (std::optional<Response> e =
                unknownMember(resource, {QStringLiteral("resourceAppId"), QStringLiteral("resourceAccess")},
                              QStringLiteral("microsoft.graph.requiredResourceAccess")))
            return e;
        if (!isGuid(resource.value(QStringLiteral("resourceAppId")).toString()))
            return invalidValue(QStringLiteral("resourceAppId"), QStringLiteral("RequiredResourceAccess"));
        const QJsonValue accesses = resource.value(QStringLiteral("resourceAccess"));
        if (accesses.isUndefined())
            return invalidValue(QStringLiteral("resourceAccess"), QStringLiteral("RequiredResourceAccess"));
        if (std::optional<Response> e = typeError(QStringLiteral("resourceAccess"), accesses, Kind::ObjectArray))
            return e;
        for (const QJsonValue& a : accesses.toArray()) {
            const QJsonObject access = a.toObject();
            if (std::optional<Response> e = unknownMember(access, {QStringLiteral("id"), QStringLiteral("type")},
                                                          QStringLiteral("microsoft.graph.resourceAccess")))
                return e;
            if (std::optional<Response> e = typeError(QStringLiteral("id"), access.value(QStringLiteral("id")), Kind::Guid))
                return e;
            if (!isGuid(access.value(QStringLiteral("id")).toString()))
                return invalidValue(QStringLiteral("id"), QStringLiteral("ResourceAccess"));
            const QString type = access.value(QStringLiteral("type")).toString();
            if (type != QLatin1String("Role") && type != QLatin1String("Scope"))
                return invalidValue(QStringLiteral("type"), QStringLiteral("ResourceAccess"));
        }
    }
    return std::nullopt;
}

std::optional<Response> redirectUrisError(const QString& property, const QStringList& uris, bool webStyle) {
    for (const QString& uri : uris)
        if (!validRedirectUri(uri, webStyle))
            return invalidValue(property + QStringLiteral(".redirectUris"), QStringLiteral("Application"));
    return std::nullopt;
}

// Validates a POST or PATCH body against microsoft.graph.application and applies it to *app.
// Stops at the first problem with *app half-changed: callers apply to a copy.
std::optional<Response> applyApplicationBody(const QJsonObject& body, Application* app) {
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        if (isAnnotation(key))
            continue;  // @odata.type and other instance annotations carry no data of the object
        if (key == QLatin1String("displayName")) {
            if (std::optional<Response> e = typeError(key, v, Kind::String))
                return e;
            if (v.toString().trimmed().isEmpty())
                return invalidValue(key, QStringLiteral("Application"));
            app->displayName = v.toString();
        } else if (key == QLatin1String("signInAudience")) {
            if (std::optional<Response> e = typeError(key, v, Kind::String))
                return e;
            if (!kSignInAudiences.contains(v.toString()))
                return invalidValue(key, QStringLiteral("Application"));
            app->signInAudience = v.toString();
        } else if (key == QLatin1String("requiredResourceAccess")) {
            if (std::optional<Response> e = requiredResourceAccessError(v))
                return e;
            app->requiredResourceAccess = v.toArray();
        } else if (key == QLatin1String("isFallbackPublicClient")) {
            if (std::optional<Response> e = typeError(key, v, Kind::Bool))
                return e;
            app->isFallbackPublicClient = v.toBool();
        } else if (key == QLatin1String("publicClient")) {
            if (std::optional<Response> e =
                    complexTypeError(key, v, kPublicClientMembers, QStringLiteral("microsoft.graph.publicClientApplication")))
                return e;
            const QStringList uris = toStringList(v.toObject().value(QStringLiteral("redirectUris")));
            if (std::optional<Response> e = redirectUrisError(key, uris, false))
                return e;
            app->publicClientRedirectUris = uris;
            app->otherProperties.insert(key, without(v.toObject(), QStringLiteral("redirectUris")));
        } else if (key == QLatin1String("web")) {
            if (std::optional<Response> e =
                    complexTypeError(key, v, kWebMembers, QStringLiteral("microsoft.graph.webApplication")))
                return e;
            const QStringList uris = toStringList(v.toObject().value(QStringLiteral("redirectUris")));
            if (std::optional<Response> e = redirectUrisError(key, uris, true))
                return e;
            app->webRedirectUris = uris;
            app->otherProperties.insert(key, without(v.toObject(), QStringLiteral("redirectUris")));
        } else if (key == QLatin1String("api")) {
            if (std::optional<Response> e =
                    complexTypeError(key, v, kApiMembers, QStringLiteral("microsoft.graph.apiApplication")))
                return e;
            const QJsonValue version = v.toObject().value(QStringLiteral("requestedAccessTokenVersion"));
            if (!version.isNull() && !version.isUndefined() && version.toInt() != 1 && version.toInt() != 2)
                return invalidValue(QStringLiteral("api.requestedAccessTokenVersion"), QStringLiteral("Application"));
            app->requestedAccessTokenVersion = version.toInt();
            app->otherProperties.insert(key, without(v.toObject(), QStringLiteral("requestedAccessTokenVersion")));
        } else if (const PropertyType* stored = findProperty(kApplicationStored, key)) {
            if (std::optional<Response> e = typeError(key, v, stored->kind))
                return e;
            app->otherProperties.insert(key, v);
        } else if (kApplicationReadOnly.contains(key)) {
            return readOnlyProperty(key);
        } else {
            return unknownProperty(key, QStringLiteral("microsoft.graph.application"));
        }
    }
    // Personal Microsoft accounts get v2 tokens only.
    const bool personalAccounts = app->signInAudience == QLatin1String("AzureADandPersonalMicrosoftAccount") ||
                                  app->signInAudience == QLatin1String("PersonalMicrosoftAccount");
    if (personalAccounts && app->requestedAccessTokenVersion != 2)
        return badRequest(QStringLiteral("Property api.requestedAccessTokenVersion is invalid."));
    return std::nullopt;
}

// ---- rendering -------------------------------------------------------------------------------

QJsonObject renderPasswordCredential(const PasswordCredential& c, bool withSecret) {
    return QJsonObject{{QStringLiteral("customKeyIdentifier"), QJsonValue()},
                       {QStringLiteral("displayName"), c.displayName.isNull() ? QJsonValue() : QJsonValue(c.displayName)},
                       {QStringLiteral("endDateTime"), c.endDateTime},
                       {QStringLiteral("hint"), c.hint},
                       {QStringLiteral("keyId"), c.keyId},
                       {QStringLiteral("secretText"), withSecret ? QJsonValue(c.secretText) : QJsonValue()},
                       {QStringLiteral("startDateTime"), c.startDateTime}};
}

QJsonObject renderApplication(const Application& a, const QString& publisherDomain) {
    QJsonObject o{{QStringLiteral("id"), a.id},
                  {QStringLiteral("deletedDateTime"), QJsonValue()},
                  {QStringLiteral("appId"), a.appId},
                  {QStringLiteral("applicationTemplateId"), QJsonValue()},
                  {QStringLiteral("certification"), QJsonValue()},
                  {QStringLiteral("createdDateTime"), a.createdDateTime},
                  {QStringLiteral("disabledByMicrosoftStatus"), QJsonValue()},
                  {QStringLiteral("publisherDomain"), publisherDomain},
                  {QStringLiteral("uniqueName"), QJsonValue()},
                  {QStringLiteral("verifiedPublisher"), QJsonObject{{QStringLiteral("displayName"), QJsonValue()},
                                                                    {QStringLiteral("verifiedPublisherId"), QJsonValue()},
                                                                    {QStringLiteral("addedDateTime"), QJsonValue()}}}};
    for (const PropertyType& p : kApplicationStored)
        o.insert(QLatin1String(p.name), defaultValue(p.kind));
    o.insert(QStringLiteral("info"), QJsonObject{{QStringLiteral("logoUrl"), QJsonValue()},
                                                 {QStringLiteral("marketingUrl"), QJsonValue()},
                                                 {QStringLiteral("privacyStatementUrl"), QJsonValue()},
                                                 {QStringLiteral("supportUrl"), QJsonValue()},
                                                 {QStringLiteral("termsOfServiceUrl"), QJsonValue()}});
    o.insert(QStringLiteral("parentalControlSettings"),
             QJsonObject{{QStringLiteral("countriesBlockedForMinors"), QJsonArray()},
                         {QStringLiteral("legalAgeGroupRule"), QStringLiteral("Allow")}});
    o.insert(QStringLiteral("spa"), QJsonObject{{QStringLiteral("redirectUris"), QJsonArray()}});
    o.insert(QStringLiteral("publicClient"), QJsonObject{{QStringLiteral("redirectUris"), QJsonArray()}});
    o.insert(QStringLiteral("web"), QJsonObject{{QStringLiteral("homePageUrl"), QJsonValue()},
                                                {QStringLiteral("logoutUrl"), QJsonValue()},
                                                {QStringLiteral("redirectUris"), QJsonArray()},
                                                {QStringLiteral("implicitGrantSettings"),
                                                 QJsonObject{{QStringLiteral("enableAccessTokenIssuance"), false},
                                                             {QStringLiteral("enableIdTokenIssuance"), false}}},
                                                {QStringLiteral("redirectUriSettings"), QJsonArray()}});
    o.insert(QStringLiteral("api"), QJsonObject{{QStringLiteral("acceptMappedClaims"), QJsonValue()},
                                                {QStringLiteral("knownClientApplications"), QJsonArray()},
                                                {QStringLiteral("oauth2PermissionScopes"), QJsonArray()},
                                                {QStringLiteral("preAuthorizedApplications"), QJsonArray()},
                                                {QStringLiteral("requestedAccessTokenVersion"), QJsonValue()}});
    overlay(&o, a.otherProperties);

    QJsonArray passwords;
    for (const PasswordCredential& c : a.passwordCredentials)
        passwords.append(renderPasswordCredential(c, false));
    o.insert(QStringLiteral("displayName"), a.displayName);
    o.insert(QStringLiteral("signInAudience"), a.signInAudience);
    o.insert(QStringLiteral("requiredResourceAccess"), a.requiredResourceAccess);
    o.insert(QStringLiteral("isFallbackPublicClient"), a.isFallbackPublicClient);
    o.insert(QStringLiteral("passwordCredentials"), passwords);
    setMember(&o, QStringLiteral("publicClient"), QStringLiteral("redirectUris"),
              QJsonArray::fromStringList(a.publicClientRedirectUris));
    setMember(&o, QStringLiteral("web"), QStringLiteral("redirectUris"), QJsonArray::fromStringList(a.webRedirectUris));
    setMember(&o, QStringLiteral("api"), QStringLiteral("requestedAccessTokenVersion"),
              a.requestedAccessTokenVersion == 0 ? QJsonValue() : QJsonValue(a.requestedAccessTokenVersion));
    return o;
}

QJsonObject renderAppRole(const AppRole& role) {
    return QJsonObject{{QStringLiteral("allowedMemberTypes"), QJsonArray::fromStringList(role.allowedMemberTypes)},
                       {QStringLiteral("description"), role.description},
                       {QStringLiteral("displayName"), role.displayName},
                       {QStringLiteral("id"), role.id},
                       {QStringLiteral("isEnabled"), true},
                       {QStringLiteral("origin"), QStringLiteral("Application")},
                       {QStringLiteral("value"), role.value}};
}

QJsonObject renderScope(const PermissionScope& scope) {
    return QJsonObject{{QStringLiteral("adminConsentDescription"), scope.adminConsentDescription},
                       {QStringLiteral("adminConsentDisplayName"), scope.adminConsentDisplayName},
                       {QStringLiteral("id"), scope.id},
                       {QStringLiteral("isEnabled"), true},
                       {QStringLiteral("type"), scope.type},
                       {QStringLiteral("userConsentDescription"), scope.adminConsentDescription},
                       {QStringLiteral("userConsentDisplayName"), scope.adminConsentDisplayName},
                       {QStringLiteral("value"), scope.value}};
}

QJsonObject renderServicePrincipal(const ServicePrincipal& sp, const QString& signInAudience) {
    QJsonObject o{{QStringLiteral("id"), sp.id},
                  {QStringLiteral("deletedDateTime"), QJsonValue()},
                  {QStringLiteral("accountEnabled"), true},
                  {QStringLiteral("alternativeNames"), QJsonArray()},
                  {QStringLiteral("appDisplayName"), sp.displayName},
                  {QStringLiteral("appDescription"), QJsonValue()},
                  {QStringLiteral("appId"), sp.appId},
                  {QStringLiteral("applicationTemplateId"), QJsonValue()},
                  {QStringLiteral("appOwnerOrganizationId"), sp.appOwnerOrganizationId},
                  {QStringLiteral("appRoleAssignmentRequired"), false},
                  {QStringLiteral("disabledByMicrosoftStatus"), QJsonValue()},
                  {QStringLiteral("displayName"), sp.displayName},
                  {QStringLiteral("info"), QJsonObject{{QStringLiteral("logoUrl"), QJsonValue()},
                                                       {QStringLiteral("marketingUrl"), QJsonValue()},
                                                       {QStringLiteral("privacyStatementUrl"), QJsonValue()},
                                                       {QStringLiteral("supportUrl"), QJsonValue()},
                                                       {QStringLiteral("termsOfServiceUrl"), QJsonValue()}}},
                  {QStringLiteral("keyCredentials"), QJsonArray()},
                  {QStringLiteral("passwordCredentials"), QJsonArray()},
                  {QStringLiteral("preferredTokenSigningKeyThumbprint"), QJsonValue()},
                  {QStringLiteral("resourceSpecificApplicationPermissions"), QJsonArray()},
                  {QStringLiteral("samlSingleSignOnSettings"), QJsonValue()},
                  {QStringLiteral("servicePrincipalNames"), QJsonArray{sp.appId}},
                  {QStringLiteral("servicePrincipalType"), QStringLiteral("Application")},
                  {QStringLiteral("signInAudience"), signInAudience},
                  {QStringLiteral("tokenEncryptionKeyId"), QJsonValue()},
                  {QStringLiteral("verifiedPublisher"), QJsonObject{{QStringLiteral("displayName"), QJsonValue()},
                                                                    {QStringLiteral("verifiedPublisherId"), QJsonValue()},
                                                                    {QStringLiteral("addedDateTime"), QJsonValue()}}}};
    for (const PropertyType& p : kServicePrincipalStored)
        if (!o.contains(QLatin1String(p.name)))
            o.insert(QLatin1String(p.name), defaultValue(p.kind));
    overlay(&o, sp.otherProperties);
    QJsonArray roles, scopes;
    for (const AppRole& role : sp.appRoles)
        roles.append(renderAppRole(role));
    for (const PermissionScope& scope : sp.oauth2PermissionScopes)
        scopes.append(renderScope(scope));
    o.insert(QStringLiteral("appRoles"), roles);
    o.insert(QStringLiteral("oauth2PermissionScopes"), scopes);
    return o;
}

QJsonObject renderAssignment(const AppRoleAssignment& a) {
    return QJsonObject{{QStringLiteral("id"), a.id},
                       {QStringLiteral("deletedDateTime"), QJsonValue()},
                       {QStringLiteral("appRoleId"), a.appRoleId},
                       {QStringLiteral("createdDateTime"), a.createdDateTime},
                       {QStringLiteral("principalDisplayName"), a.principalDisplayName},
                       {QStringLiteral("principalId"), a.principalId},
                       {QStringLiteral("principalType"), a.principalType},
                       {QStringLiteral("resourceDisplayName"), a.resourceDisplayName},
                       {QStringLiteral("resourceId"), a.resourceId}};
}

QJsonObject renderGrant(const OAuth2PermissionGrant& g) {
    return QJsonObject{{QStringLiteral("id"), g.id},
                       {QStringLiteral("clientId"), g.clientId},
                       {QStringLiteral("consentType"), g.consentType},
                       {QStringLiteral("principalId"), g.principalId.isEmpty() ? QJsonValue() : QJsonValue(g.principalId)},
                       {QStringLiteral("resourceId"), g.resourceId},
                       {QStringLiteral("scope"), g.scope}};
}

QJsonObject renderUser(const User& u) {
    return QJsonObject{{QStringLiteral("businessPhones"), QJsonArray()},
                       {QStringLiteral("displayName"), u.displayName},
                       {QStringLiteral("givenName"), QJsonValue()},
                       {QStringLiteral("jobTitle"), QJsonValue()},
                       {QStringLiteral("mail"), u.mail},
                       {QStringLiteral("mobilePhone"), QJsonValue()},
                       {QStringLiteral("officeLocation"), QJsonValue()},
                       {QStringLiteral("preferredLanguage"), QJsonValue()},
                       {QStringLiteral("surname"), QJsonValue()},
                       {QStringLiteral("userPrincipalName"), u.userPrincipalName},
                       {QStringLiteral("id"), u.id}};
}

QJsonObject renderOrganization(const Tenant& t) {
    QJsonArray domains;
    for (int i = 0; i < t.verifiedDomains.size(); ++i)
        domains.append(QJsonObject{
            {QStringLiteral("capabilities"), QStringLiteral("Email, OfficeCommunicationsOnline")},
            {QStringLiteral("isDefault"), i == 0},
            {QStringLiteral("isInitial"), t.verifiedDomains[i].endsWith(QLatin1String(".onmicrosoft.com"), Qt::CaseInsensitive)},
            {QStringLiteral("name"), t.verifiedDomains[i]},
            {QStringLiteral("type"), QStringLiteral("Managed")}});
    return QJsonObject{{QStringLiteral("id"), t.id},
                       {QStringLiteral("deletedDateTime"), QJsonValue()},
                       {QStringLiteral("assignedPlans"), QJsonArray()},
                       {QStringLiteral("businessPhones"), QJsonArray()},
                       {QStringLiteral("city"), QJsonValue()},
                       {QStringLiteral("country"), QJsonValue()},
                       {QStringLiteral("countryLetterCode"), QJsonValue()},
                       {QStringLiteral("createdDateTime"), QJsonValue()},
                       {QStringLiteral("defaultUsageLocation"), QJsonValue()},
                       {QStringLiteral("displayName"), t.displayName},
                       {QStringLiteral("marketingNotificationEmails"), QJsonArray()},
                       {QStringLiteral("onPremisesLastSyncDateTime"), QJsonValue()},
                       {QStringLiteral("onPremisesSyncEnabled"), QJsonValue()},
                       {QStringLiteral("postalCode"), QJsonValue()},
                       {QStringLiteral("preferredLanguage"), QStringLiteral("en")},
                       {QStringLiteral("privacyProfile"), QJsonValue()},
                       {QStringLiteral("provisionedPlans"), QJsonArray()},
                       {QStringLiteral("securityComplianceNotificationMails"), QJsonArray()},
                       {QStringLiteral("securityComplianceNotificationPhones"), QJsonArray()},
                       {QStringLiteral("state"), QJsonValue()},
                       {QStringLiteral("street"), QJsonValue()},
                       {QStringLiteral("technicalNotificationMails"), QJsonArray()},
                       {QStringLiteral("tenantType"), QStringLiteral("AAD")},
                       {QStringLiteral("verifiedDomains"), domains}};
}

QJsonObject renderOwner(const QString& id, Directory& d) {
    if (const User* u = d.userById(id))
        return QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.user")},
                           {QStringLiteral("id"), u->id},
                           {QStringLiteral("displayName"), u->displayName},
                           {QStringLiteral("mail"), u->mail},
                           {QStringLiteral("userPrincipalName"), u->userPrincipalName}};
    if (const ServicePrincipal* sp = d.servicePrincipalById(id, true))
        return QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.servicePrincipal")},
                           {QStringLiteral("id"), sp->id},
                           {QStringLiteral("appId"), sp->appId},
                           {QStringLiteral("displayName"), sp->displayName},
                           {QStringLiteral("servicePrincipalType"), QStringLiteral("Application")}};
    return QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.directoryObject")},
                       {QStringLiteral("id"), id}};
}

// Client secrets look like Azure's: three characters, "8Q~", then 34 more; 40 in all.
QString newSecretText() {
    static const char head[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static const char tail[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-";
    auto* rng = QRandomGenerator::system();
    QString secret;
    for (int i = 0; i < 3; ++i)
        secret += QLatin1Char(head[rng->bounded(static_cast<int>(sizeof(head) - 1))]);
    secret += QStringLiteral("8Q~");
    for (int i = 0; i < 34; ++i)
        secret += QLatin1Char(tail[rng->bounded(static_cast<int>(sizeof(tail) - 1))]);
    return secret;
}

bool looksLikeKey(const QString& segment) {
    static const QRegularExpression opaqueId(QStringLiteral("^[A-Za-z0-9_-]{43}([A-Za-z0-9_-]{21})?$"));
    return isGuid(segment) || opaqueId.match(segment).hasMatch();
}

// ---- query options ---------------------------------------------------------------------------

struct Clause {
    QString property;
    bool prefix = false;  // startswith(property,'value') rather than property eq 'value'
    QString value;
};

// $filter with eq and startswith on strings, joined by 'and': what the setup and the usual
// tools send. Anything else is a syntax error, as an unsupported function is to Graph.
bool parseFilter(const QString& text, QList<Clause>* clauses, QString* error) {
    static const QRegularExpression eq(QStringLiteral(R"(\s*([A-Za-z]+)\s+eq\s+'((?:[^']|'')*)'\s*)"),
                                       QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression startsWith(QStringLiteral(R"(\s*startswith\(\s*([A-Za-z]+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*)"),
                                               QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression conjunction(QStringLiteral(R"(and\s+)"), QRegularExpression::CaseInsensitiveOption);
    qsizetype pos = 0;
    for (;;) {
        QRegularExpressionMatch m =
            eq.match(text, pos, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        bool prefix = false;
        if (!m.hasMatch()) {
            m = startsWith.match(text, pos, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
            prefix = true;
        }
        if (!m.hasMatch()) {
            *error = QStringLiteral("Invalid filter clause: Syntax error at position %1 in '%2'.").arg(pos).arg(text);
            return false;
        }
        clauses->append(Clause{m.captured(1), prefix, m.captured(2).replace(QStringLiteral("''"), QStringLiteral("'"))});
        pos = m.capturedEnd();
        if (pos >= text.size())
            return true;
        const QRegularExpressionMatch next =
            conjunction.match(text, pos, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!next.hasMatch()) {
            *error = QStringLiteral("Invalid filter clause: Syntax error at position %1 in '%2'.").arg(pos).arg(text);
            return false;
        }
        pos = next.capturedEnd();
    }
}

QString canonicalName(const QStringList& known, const QString& name) {
    for (const QString& k : known)
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return k;
    return {};
}

// The properties named by $select, checked against the type's; empty when there is no $select.
bool parseSelect(const Request& r, const QStringList& known, const QString& type, QStringList* selected, Response* error) {
    if (!r.query.hasQueryItem(QStringLiteral("$select")))
        return true;
    for (const QString& part : r.queryValue(QStringLiteral("$select")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString name = canonicalName(known, part.trimmed());
        if (name.isEmpty()) {
            *error = odataError(
                QStringLiteral("Could not find a property named '%1' on type 'microsoft.graph.%2'.").arg(part.trimmed(), type));
            return false;
        }
        selected->append(name);
    }
    return true;
}

QJsonObject project(const QJsonObject& full, const QStringList& selected) {
    if (selected.isEmpty())
        return full;
    QJsonObject out;
    for (auto it = full.begin(); it != full.end(); ++it)
        if (selected.contains(it.key()) || it.key().startsWith(QLatin1String("@odata.")))
            out.insert(it.key(), it.value());
    return out;
}

QString selectSuffix(const QStringList& selected) {
    return selected.isEmpty() ? QString() : QStringLiteral("(%1)").arg(selected.join(QLatin1Char(',')));
}

// One object, with $select applied and Graph's @odata.context.
Response entity(const Request& r, const QString& entitySet, const QString& type, const QJsonObject& full, int status = 200) {
    QStringList selected;
    Response error;
    if (!parseSelect(r, full.keys(), type, &selected, &error))
        return error;
    QJsonObject out = project(full, selected);
    out.insert(QStringLiteral("@odata.context"), kContextRoot + entitySet + selectSuffix(selected) + QStringLiteral("/$entity"));
    return Response::json(status, out);
}

struct CollectionSpec {
    QString entitySet;     // for @odata.context, e.g. "applications"
    QString type;          // the OData type name, e.g. "application"
    QString resourceName;  // as Graph names it in filter errors, e.g. "Application"
    QStringList filterable;
    QStringList properties;  // what $select may name
};

// ---- the service -----------------------------------------------------------------------------

enum class Reach { None, Owned, All };

struct Caller {
    bool delegated = true;
    QString id;               // the signed-in user's object id, or the calling service principal's
    QStringList permissions;  // scp of delegated tokens, roles of app-only tokens

    bool holdsAny(const QStringList& wanted) const {
        // A delegated admin token with Directory.AccessAsUser.All acts with the admin's full rights.
        if (delegated && permissions.contains(QStringLiteral("Directory.AccessAsUser.All"), Qt::CaseInsensitive))
            return true;
        for (const QString& p : wanted)
            if (permissions.contains(p, Qt::CaseInsensitive))
                return true;
        return false;
    }
    // Application.ReadWrite.OwnedBy lets an app-only caller manage only what it owns.
    Reach applications(bool write) const {
        if (holdsAny(write ? kApplicationWriters : kApplicationReaders))
            return Reach::All;
        if (!delegated && holdsAny({kOwnedBy}))
            return Reach::Owned;
        return Reach::None;
    }
    bool reaches(Reach reach, const QStringList& ownerIds) const {
        return reach == Reach::All || (reach == Reach::Owned && ownerIds.contains(id));
    }
};

class GraphService {
public:
    using Handler = Response (GraphService::*)(const Request&, const Caller&);

    explicit GraphService(SandboxState& state) : m_state(state) {}

    void rememberPattern(const QString& pattern) { m_patterns.emplace_back(QRegularExpression::anchoredPattern(pattern)); }

    Response call(const Request& r, Handler handler) {
        Caller caller;
        if (std::optional<Response> rejected = authenticate(r, &caller))
            return *rejected;
        return (this->*handler)(r, caller);
    }

    Response fallback(const Request& r);

    Response organization(const Request& r, const Caller& c);
    Response organizationById(const Request& r, const Caller& c);
    Response me(const Request& r, const Caller& c);

    Response listApplications(const Request& r, const Caller& c);
    Response createApplication(const Request& r, const Caller& c);
    Response getApplication(const Request& r, const Caller& c);
    Response updateApplication(const Request& r, const Caller& c);
    Response deleteApplication(const Request& r, const Caller& c);
    Response applicationOwners(const Request& r, const Caller& c);
    Response addPassword(const Request& r, const Caller& c);
    Response removePassword(const Request& r, const Caller& c);

    Response listServicePrincipals(const Request& r, const Caller& c);
    Response createServicePrincipal(const Request& r, const Caller& c);
    Response getServicePrincipal(const Request& r, const Caller& c);
    Response deleteServicePrincipal(const Request& r, const Caller& c);
    Response listAssignedTo(const Request& r, const Caller& c) { return assignmentsOf(r, c, true); }
    Response listAssignments(const Request& r, const Caller& c) { return assignmentsOf(r, c, false); }
    Response assignTo(const Request& r, const Caller& c) { return assignRole(r, c, true); }
    Response assignFrom(const Request& r, const Caller& c) { return assignRole(r, c, false); }
    Response unassignTo(const Request& r, const Caller& c) { return removeAssignment(r, c, true); }
    Response unassignFrom(const Request& r, const Caller& c) { return removeAssignment(r, c, false); }

    Response listGrants(const Request& r, const Caller& c);
    Response createGrant(const Request& r, const Caller& c);
    Response getGrant(const Request& r, const Caller& c);
    Response updateGrant(const Request& r, const Caller& c);
    Response deleteGrant(const Request& r, const Caller& c);

    Response purgeDeletedItem(const Request& r, const Caller& c);

private:
    Directory& dir() { return m_state.directory; }
    std::optional<Response> authenticate(const Request& r, Caller* caller);
    Response unauthorized(const QString& message) const;
    Response collection(const Request& r, const CollectionSpec& spec, QList<QJsonObject> items);
    QString publisherDomain() const { return m_state.directory.tenant.verifiedDomains.value(0); }
    QString audienceOf(const ServicePrincipal& sp);
    Application* findApplication(const Request& r, const Caller& c, Reach reach, Response* error);
    ServicePrincipal* findServicePrincipal(const Request& r, const Caller& c, Reach reach, Response* error);
    // A referenced service principal or user: 404 when unknown, and while it exists but has not
    // replicated, the 400 a lagging replica gives.
    std::optional<Response> referenceError(const QString& id, bool userAllowed);
    OAuth2PermissionGrant* findGrant(const QString& id);
    Response assignmentsOf(const Request& r, const Caller& c, bool resourceSide);
    Response assignRole(const Request& r, const Caller& c, bool resourceSide);
    Response removeAssignment(const Request& r, const Caller& c, bool resourceSide);

    SandboxState& m_state;
    std::vector<QRegularExpression> m_patterns;
};

Response GraphService::unauthorized(const QString& message) const {
    Response r = Response::graphError(401, QStringLiteral("InvalidAuthenticationToken"), message);
    r.header("WWW-Authenticate", QStringLiteral("Bearer realm=\"\", authorization_uri=\"%1/login/common/oauth2/authorize\", "
                                                "client_id=\"00000003-0000-0000-c000-000000000000\"")
                                     .arg(m_state.baseUrl)
                                     .toUtf8());
    return r;
}

std::optional<Response> GraphService::authenticate(const Request& r, Caller* caller) {
    const QByteArray token = r.bearerToken().toLatin1();
    if (token.isEmpty())
        return unauthorized(QStringLiteral("Access token is empty."));
    const QList<QByteArray> parts = token.split('.');
    const QJsonObject unverified =
        parts.size() == 3 ? QJsonDocument::fromJson(
                                QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
                                .object()
                          : QJsonObject();
    if (unverified.isEmpty())
        return unauthorized(QStringLiteral(
            "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact "
            "Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): "
            "'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'"
            "."));
    // Graph names an expired token before anything else about it.
    if (unverified.value(QStringLiteral("exp")).toInteger() <= QDateTime::currentSecsSinceEpoch())
        return unauthorized(QStringLiteral("Lifetime validation failed, the token is expired."));
    QString why;
    const std::optional<QJsonObject> claims = m_state.tokens.verify(token, &why);
    if (!claims)
        return unauthorized(QStringLiteral("Access token validation failure. %1").arg(why));
    if (!kGraphAudiences.contains(claims->value(QStringLiteral("aud")).toString(), Qt::CaseInsensitive))
        return unauthorized(QStringLiteral("Access token validation failure. Invalid audience."));
    if (claims->value(QStringLiteral("tid")).toString().compare(dir().tenant.id, Qt::CaseInsensitive) != 0)
        return unauthorized(QStringLiteral("Access token validation failure. Invalid issuer."));
    if (!claims->contains(QStringLiteral("scp")) && !claims->contains(QStringLiteral("roles")))
        return unauthorized(QStringLiteral("Either scp or roles claim need to be present in the token."));

    caller->delegated = claims->contains(QStringLiteral("scp"));
    caller->permissions = caller->delegated
                              ? claims->value(QStringLiteral("scp")).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts)
                              : toStringList(claims->value(QStringLiteral("roles")));
    caller->id = claims->value(QStringLiteral("oid")).toString();
    if (caller->id.isEmpty() && !caller->delegated) {
        QString clientId = claims->value(QStringLiteral("appid")).toString();
        if (clientId.isEmpty())
            clientId = claims->value(QStringLiteral("azp")).toString();
        if (const ServicePrincipal* sp = dir().servicePrincipalByAppId(clientId, true))
            caller->id = sp->id;
    }
    return std::nullopt;
}

Response GraphService::fallback(const Request& r) {
    Caller caller;
    if (std::optional<Response> rejected = authenticate(r, &caller))
        return *rejected;
    for (const QRegularExpression& pattern : m_patterns)
        if (pattern.match(r.path).hasMatch())
            return Response::graphError(405, QStringLiteral("Request_BadRequest"),
                                        QStringLiteral("Specified HTTP method is not allowed for the request target."));
    const QStringList segments = r.path.mid(QStringLiteral("/graph/").size()).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (segments.isEmpty() || segments.first() != QLatin1String("v1.0"))
        return odataError(
            QStringLiteral("Invalid version: '%1'. The sandbox serves Microsoft Graph v1.0 only.").arg(segments.value(0)));
    for (const QString& segment : segments.mid(1)) {
        const QString name = segment.left(segment.indexOf(QLatin1Char('(')));
        if (!kKnownSegments.contains(name) && !looksLikeKey(segment))
            return odataError(QStringLiteral("Resource not found for the segment '%1'.").arg(segment));
    }
    return odataError(QStringLiteral("Resource not found for the segment '%1'.").arg(segments.last()));
}

Response GraphService::collection(const Request& r, const CollectionSpec& spec, QList<QJsonObject> items) {
    if (r.query.hasQueryItem(QStringLiteral("$filter"))) {
        QList<Clause> clauses;
        QString error;
        if (!parseFilter(r.queryValue(QStringLiteral("$filter")), &clauses, &error))
            return odataError(error);
        for (Clause& clause : clauses) {
            const QString property = canonicalName(spec.filterable, clause.property);
            if (property.isEmpty())
                return Response::graphError(
                    400, QStringLiteral("Request_UnsupportedQuery"),
                    QStringLiteral("Unsupported or invalid query filter clause specified for property '%1' of resource '%2'.")
                        .arg(clause.property, spec.resourceName));
            clause.property = property;
        }
        // Directory string comparisons ignore case.
        items.removeIf([&](const QJsonObject& item) {
            for (const Clause& clause : clauses) {
                const QString value = item.value(clause.property).toString();
                const bool hit = clause.prefix ? value.startsWith(clause.value, Qt::CaseInsensitive)
                                               : value.compare(clause.value, Qt::CaseInsensitive) == 0;
                if (!hit)
                    return true;
            }
            return false;
        });
    }

    QStringList selected;
    Response selectError;
    if (!parseSelect(r, spec.properties, spec.type, &selected, &selectError))
        return selectError;

    int pageSize = kDefaultPageSize;
    if (r.query.hasQueryItem(QStringLiteral("$top"))) {
        bool ok = false;
        const QString top = r.queryValue(QStringLiteral("$top"));
        pageSize = top.toInt(&ok);
        if (!ok || pageSize < 1 || pageSize > kMaxPageSize)
            return odataError(QStringLiteral("Invalid page size specified: '%1'. Must be between 1 and %2 inclusive.")
                                  .arg(top)
                                  .arg(kMaxPageSize));
    }
    qsizetype offset = 0;
    if (r.query.hasQueryItem(QStringLiteral("$skiptoken"))) {
        bool ok = false;
        offset = QByteArray::fromBase64(r.queryValue(QStringLiteral("$skiptoken")).toLatin1(),
                                        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
                     .toLongLong(&ok);
        if (!ok || offset < 0)
            return odataError(QStringLiteral("The $skiptoken value is not valid."));
    }

    QJsonArray value;
    for (const QJsonObject& item : items.mid(offset, pageSize))
        value.append(project(item, selected));
    QJsonObject out{{QStringLiteral("@odata.context"), kContextRoot + spec.entitySet + selectSuffix(selected)},
                    {QStringLiteral("value"), value}};
    if (offset + pageSize < items.size()) {
        QUrlQuery next = r.query;
        next.removeAllQueryItems(QStringLiteral("$skiptoken"));
        next.addQueryItem(QStringLiteral("$skiptoken"),
                          QString::fromLatin1(base64Url(QByteArray::number(static_cast<qint64>(offset + pageSize)))));
        out.insert(QStringLiteral("@odata.nextLink"),
                   m_state.baseUrl + r.path + QLatin1Char('?') + next.toString(QUrl::FullyEncoded));
    }
    return Response::json(200, out);
}

QString GraphService::audienceOf(const ServicePrincipal& sp) {
    if (const Application* app = dir().applicationByAppId(sp.appId, true))
        return app->signInAudience;
    return QStringLiteral("AzureADMultipleOrgs");  // Microsoft's first-party applications
}

Application* GraphService::findApplication(const Request& r, const Caller& c, Reach reach, Response* error) {
    const QString objectId = r.params.value(0).toLower();
    const QString appId = r.params.value(1);
    if (!objectId.isEmpty() && !isGuid(objectId)) {
        *error = badRequest(QStringLiteral("Invalid object identifier '%1'.").arg(r.params.value(0)));
        return nullptr;
    }
    Application* app = objectId.isEmpty() ? dir().applicationByAppId(appId) : dir().applicationById(objectId);
    if (!app) {
        *error = notFound(objectId.isEmpty() ? appId : objectId);
        return nullptr;
    }
    if (!c.reaches(reach, app->ownerIds)) {
        *error = forbidden();
        return nullptr;
    }
    return app;
}

ServicePrincipal* GraphService::findServicePrincipal(const Request& r, const Caller& c, Reach reach, Response* error) {
    const QString objectId = r.params.value(0).toLower();
    const QString appId = r.params.value(1);
    if (!objectId.isEmpty() && !isGuid(objectId)) {
        *error = badRequest(QStringLiteral("Invalid object identifier '%1'.").arg(r.params.value(0)));
        return nullptr;
    }
    ServicePrincipal* sp = objectId.isEmpty() ? dir().servicePrincipalByAppId(appId) : dir().servicePrincipalById(objectId);
    if (!sp) {
        *error = notFound(objectId.isEmpty() ? appId : objectId);
        return nullptr;
    }
    if (!c.reaches(reach, sp->ownerIds)) {
        *error = forbidden();
        return nullptr;
    }
    return sp;
}

std::optional<Response> GraphService::referenceError(const QString& id, bool userAllowed) {
    if (dir().servicePrincipalById(id) || (userAllowed && dir().userById(id)))
        return std::nullopt;
    if (dir().servicePrincipalById(id, true))
        return notValidReference();
    return notFound(id);
}

// ---- organization and the signed-in user ----

Response GraphService::organization(const Request& r, const Caller& c) {
    if (!c.holdsAny(kOrganizationReaders))
        return forbidden();
    const QJsonObject org = renderOrganization(dir().tenant);
    return collection(
        r,
        CollectionSpec{
            QStringLiteral("organization"), QStringLiteral("organization"), QStringLiteral("Organization"), {}, org.keys()},
        {org});
}

Response GraphService::organizationById(const Request& r, const Caller& c) {
    if (!c.holdsAny(kOrganizationReaders))
        return forbidden();
    if (r.params.value(0).compare(dir().tenant.id, Qt::CaseInsensitive) != 0)
        return notFound(r.params.value(0));
    return entity(r, QStringLiteral("organization"), QStringLiteral("organization"), renderOrganization(dir().tenant));
}

Response GraphService::me(const Request& r, const Caller& c) {
    if (!c.delegated)
        return odataError(QStringLiteral("/me request is only valid with delegated authentication flow."));
    if (!c.holdsAny(kProfileReaders))
        return forbidden();
    const User* user = dir().userById(c.id);
    if (!user)
        return notFound(c.id);
    return entity(r, QStringLiteral("users"), QStringLiteral("user"), renderUser(*user));
}

// ---- applications ----

Response GraphService::listApplications(const Request& r, const Caller& c) {
    const Reach reach = c.applications(false);
    if (reach == Reach::None)
        return forbidden();
    QList<QJsonObject> items;
    for (const Application& app : dir().applications)
        if (dir().isVisible(app.visibleAtMs) && c.reaches(reach, app.ownerIds))
            items.append(renderApplication(app, publisherDomain()));
    return collection(r,
                      CollectionSpec{QStringLiteral("applications"),
                                     QStringLiteral("application"),
                                     QStringLiteral("Application"),
                                     {QStringLiteral("displayName"), QStringLiteral("appId"), QStringLiteral("id"),
                                      QStringLiteral("signInAudience")},
                                     renderApplication(Application(), QString()).keys()},
                      items);
}

Response GraphService::createApplication(const Request& r, const Caller& c) {
    if (c.applications(true) == Reach::None)
        return forbidden();
    QJsonObject body;
    Response error;
    if (!readBody(r, &body, &error))
        return error;
    Application app;
    if (std::optional<Response> e = applyApplicationBody(body, &app))
        return *e;
    if (app.displayName.isEmpty())
        return invalidValue(QStringLiteral("displayName"), QStringLiteral("Application"));
    // The creator owns what it creates: the admin, or the app-only caller (which is all that
    // Application.ReadWrite.OwnedBy then lets it manage).
    if (!c.id.isEmpty())
        app.ownerIds = {c.id};
    const Application& stored = dir().addApplication(std::move(app));
    return entity(r, QStringLiteral("applications"), QStringLiteral("application"), renderApplication(stored, publisherDomain()),
                  201);
}

Response GraphService::getApplication(const Request& r, const Caller& c) {
    const Reach reach = c.applications(false);
    if (reach == Reach::None)
        return forbidden();
    Response error;
    const Application* app = findApplication(r, c, reach, &error);
    if (!app)
        return error;
    return entity(r, QStringLiteral("applications"), QStringLiteral("application"), renderApplication(*app, publisherDomain()));
}

Response GraphService::updateApplication(const Request& r, const Caller& c) {
    const Reach reach = c.applications(true);
    if (reach == Reach::None)
        return forbidden();
    Response error;
    Application* app = findApplication(r, c, reach, &error);
    if (!app)
        return error;
    QJsonObject body;
    if (!readBody(r, &body, &error))
        return error;
    Application changed = *app;
    if (std::optional<Response> e = applyApplicationBody(body, &changed))
        return *e;
    *app = changed;
    return Response::empty(204);
}

Response GraphService::deleteApplication(const Request& r, const Caller& c) {
    const Reach reach = c.applications(true);
    if (reach == Reach::None)
        return forbidden();
    Response error;
    const Application* app = findApplication(r, c, reach, &error);
    if (!app)
        return error;
    const QString id = app->id;
    if (const ServicePrincipal* sp = dir().servicePrincipalByAppId(app->appId, true))
        dir().deletedObjectIds.append(sp->id);
    dir().deletedObjectIds.append(id);
    dir().removeApplication(id);
    return Response::empty(204);
}

Response GraphService::applicationOwners(const Request& r, const Caller& c) {
    const Reach reach = c.applications(false);
    if (reach == Reach::None)
        return forbidden();
    Response error;
    const Application* app = findApplication(r, c, reach, &error);
    if (!app)
        return error;
    QList<QJsonObject> owners;
    for (const QString& id : app->ownerIds)
        owners.append(renderOwner(id, dir()));
    return collection(
        r,
        CollectionSpec{QStringLiteral("directoryObjects"),
                       QStringLiteral("directoryObject"),
                       QStringLiteral("DirectoryObject"),
                       {},
                       {QStringLiteral("id"), QStringLiteral("displayName"), QStringLiteral("mail"),
                        QStringLiteral("userPrincipalName"), QStringLiteral("appId"), QStringLiteral("servicePrincipalType")}},
        owners);
}

Response GraphService::addPassword(const Request& r, const Caller& c) {
    const Reach reach = c.applications(true);
    if (reach == Reach::None)
        return forbidden();
    Response error;
    Application* app = findApplication(r, c, reach, &error);
    if (!app)
        return error;
    QJsonObject body;
    if (!readBody(r, &body, &error))
        return error;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != QLatin1String("passwordCredential") && !isAnnotation(it.key()))
            return odataError(QStringLiteral("The parameter '%1' in the request payload is not a valid parameter for the "
                                             "operation 'addPassword'.")
                                  .arg(it.key()));
    const QJsonValue credentialValue = body.value(QStringLiteral("passwordCredential"));
    if (std::optional<Response> e = typeError(QStringLiteral("passwordCredential"), credentialValue, Kind::Object))
        return *e;
    const QJsonObject requested = credentialValue.toObject();
    if (std::optional<Response> e =
            unknownMember(requested, kPasswordCredentialMembers, QStringLiteral("microsoft.graph.passwordCredential")))
        return *e;
    if (std::optional<Response> e =
            typeError(QStringLiteral("displayName"), requested.value(QStringLiteral("displayName")), Kind::String))
        return *e;

    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto dateMember = [&](const char* name, const QDateTime& fallback, QDateTime* out) -> std::optional<Response> {
        const QJsonValue v = requested.value(QLatin1String(name));
        if (v.isNull() || v.isUndefined()) {
            *out = fallback;
            return std::nullopt;
        }
        *out = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
        if (!v.isString() || !out->isValid())
            return odataError(
                QStringLiteral("Cannot convert the literal '%1' to the expected type 'Edm.DateTimeOffset'.").arg(literal(v)));
        return std::nullopt;
    };
    QDateTime start, end;
    if (std::optional<Response> e = dateMember("startDateTime", now, &start))
        return *e;
    if (std::optional<Response> e = dateMember("endDateTime", start.addYears(kDefaultSecretLifetimeYears), &end))
        return *e;
    if (end <= now || end <= start)
        return invalidValue(QStringLiteral("endDateTime"), QStringLiteral("PasswordCredential"));

    PasswordCredential credential;
    credential.keyId = newGuid();
    credential.displayName = requested.value(QStringLiteral("displayName")).toString(QString());
    credential.secretText = newSecretText();
    credential.hint = credential.secretText.left(3);
    credential.startDateTime = start.toUTC().toString(Qt::ISODate);
    credential.endDateTime = end.toUTC().toString(Qt::ISODate);
    app->passwordCredentials.append(credential);
    QJsonObject out = renderPasswordCredential(credential, true);
    out.insert(QStringLiteral("@odata.context"), kContextRoot + QStringLiteral("microsoft.graph.passwordCredential"));
    return Response::json(200, out);
}

Response GraphService::removePassword(const Request& r, const Caller& c) {
    const Reach reach = c.applications(true);
    if (reach == Reach::None)
        return forbidden();
    Response error;
    Application* app = findApplication(r, c, reach, &error);
    if (!app)
        return error;
    QJsonObject body;
    if (!readBody(r, &body, &error))
        return error;
    const QJsonValue keyId = body.value(QStringLiteral("keyId"));
    if (std::optional<Response> e = typeError(QStringLiteral("keyId"), keyId, Kind::Guid))
        return *e;
    if (!isGuid(keyId.toString()))
        return invalidValue(QStringLiteral("keyId"), QStringLiteral("PasswordCredential"));
    const qsizetype removed = app->passwordCredentials.removeIf(
        [&](const PasswordCredential& cred) { return cred.keyId.compare(keyId.toString(), Qt::CaseInsensitive) == 0; });
    if (removed == 0)
        return badRequest(
            QStringLiteral("No password credential with keyId '%1' exists on the application.").arg(keyId.toString()));
    return Response::empty(204);
}

// ---- service principals ----

Response GraphService::listServicePrincipals(const Request& r, const Caller& c) {
    const Reach reach = c.applications(false);
    if (reach == Reach::None)
        return forbidden();
    QList<QJsonObject> items;
    for (const ServicePrincipal& sp : dir().servicePrincipals)
        if (dir().isVisible(sp.visibleAtMs) && c.reaches(reach, sp.ownerIds))
            items.append(renderServicePrincipal(sp, audienceOf(sp)));
    return collection(r,
                      CollectionSpec{QStringLiteral("servicePrincipals"),
                                     QStringLiteral("servicePrincipal"),
                                     QStringLiteral("ServicePrincipal"),
                                     {QStringLiteral("appId"), QStringLiteral("displayName"), QStringLiteral("id"),
                                      QStringLiteral("servicePrincipalType")},
                                     renderServicePrincipal(ServicePrincipal(), QString()).keys()},
                      items);
}

Response GraphService::createServicePrincipal(const Request& r, const Caller& c) {
    const Reach reach = c.applications(true);
    if (reach == Reach::None)
        return forbidden();
    QJsonObject body;
    Response error;
    if (!readBody(r, &body, &error))
        return error;
    ServicePrincipal sp;
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (isAnnotation(it.key()))
            continue;
        if (it.key() == QLatin1String("appId")) {
            if (std::optional<Response> e = typeError(it.key(), it.value(), Kind::String))
                return *e;
        } else if (const PropertyType* stored = findProperty(kServicePrincipalStored, it.key())) {
            if (std::optional<Response> e = typeError(it.key(), it.value(), stored->kind))
                return *e;
            sp.otherProperties.insert(it.key(), it.value());
        } else if (kServicePrincipalReadOnly.contains(it.key())) {
            return readOnlyProperty(it.key());
        } else {
            return unknownProperty(it.key(), QStringLiteral("microsoft.graph.servicePrincipal"));
        }
    }
    const QString appId = body.value(QStringLiteral("appId")).toString();
    if (appId.isEmpty())
        return invalidValue(QStringLiteral("appId"), QStringLiteral("ServicePrincipal"));
    // The name is unique in the whole directory, replicated or not.
    if (dir().servicePrincipalByAppId(appId, true))
        return Response::graphError(409, QStringLiteral("Request_MultipleObjectsWithSameKeyValue"),
                                    QStringLiteral("The service principal cannot be created, updated, or restored because the "
                                                   "service principal name %1 is already in use.")
                                        .arg(appId));
    const Application* app = dir().applicationByAppId(appId);
    if (!app)
        return noBackingApplication(appId);
    if (!c.reaches(reach, app->ownerIds))
        return forbidden();
    sp.appId = app->appId;
    sp.displayName = app->displayName;
    sp.appOwnerOrganizationId = dir().tenant.id;
    if (!c.delegated && !c.id.isEmpty())
        sp.ownerIds = {c.id};
    const ServicePrincipal& stored = dir().addServicePrincipal(std::move(sp));
    return entity(r, QStringLiteral("servicePrincipals"), QStringLiteral("servicePrincipal"),
                  renderServicePrincipal(stored, audienceOf(stored)), 201);
}

Response GraphService::getServicePrincipal(const Request& r, const Caller& c) {
    const Reach reach = c.applications(false);
    if (reach == Reach::None)
        return forbidden();
    Response error;
    const ServicePrincipal* sp = findServicePrincipal(r, c, reach, &error);
    if (!sp)
        return error;
    return entity(r, QStringLiteral("servicePrincipals"), QStringLiteral("servicePrincipal"),
                  renderServicePrincipal(*sp, audienceOf(*sp)));
}

Response GraphService::deleteServicePrincipal(const Request& r, const Caller& c) {
    const Reach reach = c.applications(true);
    if (reach == Reach::None)
        return forbidden();
    Response error;
    const ServicePrincipal* sp = findServicePrincipal(r, c, reach, &error);
    if (!sp)
        return error;
    const QString id = sp->id;
    dir().deletedObjectIds.append(id);
    dir().removeServicePrincipal(id);
    return Response::empty(204);
}

// resourceSide: /servicePrincipals/{resource}/appRoleAssignedTo; otherwise
// /servicePrincipals/{principal}/appRoleAssignments.
Response GraphService::assignmentsOf(const Request& r, const Caller& c, bool resourceSide) {
    if (!c.holdsAny(kApplicationReaders) && !c.holdsAny(kAssignmentWriters))
        return forbidden();
    Response error;
    const ServicePrincipal* sp = findServicePrincipal(r, c, Reach::All, &error);
    if (!sp)
        return error;
    QList<QJsonObject> items;
    for (const AppRoleAssignment& a : dir().appRoleAssignments)
        if ((resourceSide ? a.resourceId : a.principalId) == sp->id)
            items.append(renderAssignment(a));
    const QString entitySet =
        QStringLiteral("servicePrincipals('%1')/%2")
            .arg(sp->id, resourceSide ? QStringLiteral("appRoleAssignedTo") : QStringLiteral("appRoleAssignments"));
    return collection(r,
                      CollectionSpec{entitySet,
                                     QStringLiteral("appRoleAssignment"),
                                     QStringLiteral("AppRoleAssignment"),
                                     {QStringLiteral("principalId"), QStringLiteral("resourceId"), QStringLiteral("appRoleId")},
                                     renderAssignment(AppRoleAssignment()).keys()},
                      items);
}

Response GraphService::assignRole(const Request& r, const Caller& c, bool resourceSide) {
    if (!c.holdsAny(kAssignmentWriters))
        return forbidden();
    Response error;
    const ServicePrincipal* onPath = findServicePrincipal(r, c, Reach::All, &error);
    if (!onPath)
        return error;
    const QString pathId = onPath->id;
    QJsonObject body;
    if (!readBody(r, &body, &error))
        return error;
    const QStringList members{QStringLiteral("principalId"), QStringLiteral("resourceId"), QStringLiteral("appRoleId")};
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (isAnnotation(it.key()) || kAssignmentReadOnly.contains(it.key()))
            continue;  // Graph ignores the read-only members clients copy from a listed assignment
        if (!members.contains(it.key()))
            return unknownProperty(it.key(), QStringLiteral("microsoft.graph.appRoleAssignment"));
        if (std::optional<Response> e = typeError(it.key(), it.value(), Kind::Guid))
            return *e;
    }
    for (const QString& member : members)
        if (!isGuid(body.value(member).toString()))
            return invalidValue(member, QStringLiteral("AppRoleAssignment"));
    const QString principalId = body.value(QStringLiteral("principalId")).toString().toLower();
    const QString resourceId = body.value(QStringLiteral("resourceId")).toString().toLower();
    const QString appRoleId = body.value(QStringLiteral("appRoleId")).toString().toLower();
    if ((resourceSide ? resourceId : principalId) != pathId)
        return invalidValue(resourceSide ? QStringLiteral("resourceId") : QStringLiteral("principalId"),
                            QStringLiteral("AppRoleAssignment"));
    if (std::optional<Response> e = referenceError(resourceId, false))
        return *e;
    if (std::optional<Response> e = referenceError(principalId, true))
        return *e;

    const ServicePrincipal* resource = dir().servicePrincipalById(resourceId);
    const ServicePrincipal* principalSp = dir().servicePrincipalById(principalId);
    const User* principalUser = principalSp ? nullptr : dir().userById(principalId);
    const QString memberType = principalSp ? QStringLiteral("Application") : QStringLiteral("User");
    bool roleFound = appRoleId == kZeroGuid;  // the default access role every resource has
    for (const AppRole& role : resource->appRoles)
        if (role.id == appRoleId && role.allowedMemberTypes.contains(memberType))
            roleFound = true;
    if (!roleFound)
        return badRequest(QStringLiteral("Permission being assigned was not found on application"));
    for (const AppRoleAssignment& existing : dir().appRoleAssignments)
        if (existing.principalId == principalId && existing.resourceId == resourceId && existing.appRoleId == appRoleId)
            return badRequest(QStringLiteral("Permission being assigned already exists on the object"));

    AppRoleAssignment a;
    a.principalId = principalId;
    a.principalType = principalSp ? QStringLiteral("ServicePrincipal") : QStringLiteral("User");
    a.principalDisplayName = principalSp ? principalSp->displayName : principalUser->displayName;
    a.resourceId = resourceId;
    a.resourceDisplayName = resource->displayName;
    a.appRoleId = appRoleId;
    a = dir().addAppRoleAssignment(a);
    return entity(r,
                  QStringLiteral("servicePrincipals('%1')/%2")
                      .arg(pathId, resourceSide ? QStringLiteral("appRoleAssignedTo") : QStringLiteral("appRoleAssignments")),
                  QStringLiteral("appRoleAssignment"), renderAssignment(a), 201);
}

Response GraphService::removeAssignment(const Request& r, const Caller& c, bool resourceSide) {
    if (!c.holdsAny(kAssignmentWriters))
        return forbidden();
    Response error;
    const ServicePrincipal* sp = findServicePrincipal(r, c, Reach::All, &error);
    if (!sp)
        return error;
    const QString spId = sp->id;
    const QString assignment = r.params.value(2);
    const qsizetype removed = dir().appRoleAssignments.removeIf(
        [&](const AppRoleAssignment& a) { return a.id == assignment && (resourceSide ? a.resourceId : a.principalId) == spId; });
    return removed ? Response::empty(204) : notFound(assignment);
}

// ---- delegated permission grants ----

OAuth2PermissionGrant* GraphService::findGrant(const QString& id) {
    for (OAuth2PermissionGrant& g : dir().permissionGrants)
        if (g.id == id)
            return &g;
    return nullptr;
}

Response GraphService::listGrants(const Request& r, const Caller& c) {
    if (!c.holdsAny(kGrantReaders))
        return forbidden();
    QList<QJsonObject> items;
    for (const OAuth2PermissionGrant& g : dir().permissionGrants)
        items.append(renderGrant(g));
    return collection(r,
                      CollectionSpec{QStringLiteral("oauth2PermissionGrants"),
                                     QStringLiteral("oAuth2PermissionGrant"),
                                     QStringLiteral("OAuth2PermissionGrant"),
                                     {QStringLiteral("id"), QStringLiteral("clientId"), QStringLiteral("resourceId"),
                                      QStringLiteral("consentType"), QStringLiteral("principalId")},
                                     renderGrant(OAuth2PermissionGrant()).keys()},
                      items);
}

Response GraphService::createGrant(const Request& r, const Caller& c) {
    if (!c.holdsAny(kGrantWriters))
        return forbidden();
    QJsonObject body;
    Response error;
    if (!readBody(r, &body, &error))
        return error;
    if (std::optional<Response> e = unknownMember(body, kGrantMembers, QStringLiteral("microsoft.graph.oAuth2PermissionGrant")))
        return *e;
    for (const char* guid : {"clientId", "resourceId", "principalId"})
        if (std::optional<Response> e = typeError(QLatin1String(guid), body.value(QLatin1String(guid)), Kind::Guid))
            return *e;
    for (const char* text : {"consentType", "scope"})
        if (std::optional<Response> e = typeError(QLatin1String(text), body.value(QLatin1String(text)), Kind::String))
            return *e;
    const QString resource = QStringLiteral("OAuth2PermissionGrant");
    const QString clientId = body.value(QStringLiteral("clientId")).toString().toLower();
    const QString resourceId = body.value(QStringLiteral("resourceId")).toString().toLower();
    const QString principalId = body.value(QStringLiteral("principalId")).toString().toLower();
    const QString consentType = body.value(QStringLiteral("consentType")).toString();
    if (clientId.isEmpty())
        return invalidValue(QStringLiteral("clientId"), resource);
    if (resourceId.isEmpty())
        return invalidValue(QStringLiteral("resourceId"), resource);
    if (consentType != QLatin1String("AllPrincipals") && consentType != QLatin1String("Principal"))
        return invalidValue(QStringLiteral("consentType"), resource);
    // A grant is for every user or for exactly one.
    if ((consentType == QLatin1String("Principal")) == principalId.isEmpty())
        return invalidValue(QStringLiteral("principalId"), resource);
    if (std::optional<Response> e = referenceError(clientId, false))
        return *e;
    if (std::optional<Response> e = referenceError(resourceId, false))
        return *e;
    if (!principalId.isEmpty() && !dir().userById(principalId))
        return notFound(principalId);
    for (const OAuth2PermissionGrant& g : dir().permissionGrants)
        if (g.clientId == clientId && g.resourceId == resourceId && g.consentType == consentType && g.principalId == principalId)
            return Response::graphError(409, QStringLiteral("Request_MultipleObjectsWithSameKeyValue"),
                                        QStringLiteral("Permission entry already exists."));

    OAuth2PermissionGrant g;
    g.clientId = clientId;
    g.consentType = consentType;
    g.principalId = principalId;
    g.resourceId = resourceId;
    g.scope = body.value(QStringLiteral("scope")).toString();
    g = dir().addPermissionGrant(g);
    return entity(r, QStringLiteral("oauth2PermissionGrants"), QStringLiteral("oAuth2PermissionGrant"), renderGrant(g), 201);
}

Response GraphService::getGrant(const Request& r, const Caller& c) {
    if (!c.holdsAny(kGrantReaders))
        return forbidden();
    const OAuth2PermissionGrant* g = findGrant(r.params.value(0));
    if (!g)
        return notFound(r.params.value(0));
    return entity(r, QStringLiteral("oauth2PermissionGrants"), QStringLiteral("oAuth2PermissionGrant"), renderGrant(*g));
}

Response GraphService::updateGrant(const Request& r, const Caller& c) {
    if (!c.holdsAny(kGrantWriters))
        return forbidden();
    OAuth2PermissionGrant* g = findGrant(r.params.value(0));
    if (!g)
        return notFound(r.params.value(0));
    QJsonObject body;
    Response error;
    if (!readBody(r, &body, &error))
        return error;
    if (std::optional<Response> e = unknownMember(body, kGrantMembers, QStringLiteral("microsoft.graph.oAuth2PermissionGrant")))
        return *e;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!isAnnotation(it.key()) && it.key() != QLatin1String("scope"))
            return readOnlyProperty(it.key());  // a grant's key cannot change; only its scopes
    const QJsonValue scope = body.value(QStringLiteral("scope"));
    if (std::optional<Response> e = typeError(QStringLiteral("scope"), scope, Kind::String))
        return *e;
    if (!scope.isUndefined())
        g->scope = scope.toString();
    return Response::empty(204);
}

Response GraphService::deleteGrant(const Request& r, const Caller& c) {
    if (!c.holdsAny(kGrantWriters))
        return forbidden();
    const QString id = r.params.value(0);
    const qsizetype removed = dir().permissionGrants.removeIf([&](const OAuth2PermissionGrant& g) { return g.id == id; });
    return removed ? Response::empty(204) : notFound(id);
}

// ---- deleted items ----

Response GraphService::purgeDeletedItem(const Request& r, const Caller& c) {
    if (c.applications(true) == Reach::None)
        return forbidden();
    const QString id = r.params.value(0).toLower();
    if (!isGuid(id))
        return badRequest(QStringLiteral("Invalid object identifier '%1'.").arg(r.params.value(0)));
    return dir().deletedObjectIds.removeAll(id) > 0 ? Response::empty(204) : notFound(id);
}

}  // namespace

void registerGraph(Router& router, SandboxState& state) {
    auto graph = std::make_shared<GraphService>(state);
    const auto route = [&router, graph](const QByteArray& method, const QString& path, GraphService::Handler handler) {
        const QString pattern = QRegularExpression::escape(kRoot) + path;
        graph->rememberPattern(pattern);
        router.add(method, pattern, [graph, handler](const Request& r) { return graph->call(r, handler); });
    };
    // An object segment: "/{id}" or Graph's alternate key "(appId='…')".
    const QString key = QStringLiteral(R"((?:/([^/()]+)|\(appId='([^']*)'\)))");
    const QString applications = QStringLiteral("/applications");
    const QString servicePrincipals = QStringLiteral("/servicePrincipals");

    route("GET", QStringLiteral("/organization"), &GraphService::organization);
    route("GET", QStringLiteral("/organization/([^/]+)"), &GraphService::organizationById);
    route("GET", QStringLiteral("/me"), &GraphService::me);

    route("GET", applications, &GraphService::listApplications);
    route("POST", applications, &GraphService::createApplication);
    route("GET", applications + key, &GraphService::getApplication);
    route("PATCH", applications + key, &GraphService::updateApplication);
    route("DELETE", applications + key, &GraphService::deleteApplication);
    route("GET", applications + key + QStringLiteral("/owners"), &GraphService::applicationOwners);
    route("POST", applications + key + QStringLiteral(R"(/(?:microsoft\.graph\.)?addPassword)"), &GraphService::addPassword);
    route("POST", applications + key + QStringLiteral(R"(/(?:microsoft\.graph\.)?removePassword)"),
          &GraphService::removePassword);

    route("GET", servicePrincipals, &GraphService::listServicePrincipals);
    route("POST", servicePrincipals, &GraphService::createServicePrincipal);
    route("GET", servicePrincipals + key, &GraphService::getServicePrincipal);
    route("DELETE", servicePrincipals + key, &GraphService::deleteServicePrincipal);
    route("GET", servicePrincipals + key + QStringLiteral("/appRoleAssignedTo"), &GraphService::listAssignedTo);
    route("POST", servicePrincipals + key + QStringLiteral("/appRoleAssignedTo"), &GraphService::assignTo);
    route("DELETE", servicePrincipals + key + QStringLiteral("/appRoleAssignedTo/([^/]+)"), &GraphService::unassignTo);
    route("GET", servicePrincipals + key + QStringLiteral("/appRoleAssignments"), &GraphService::listAssignments);
    route("POST", servicePrincipals + key + QStringLiteral("/appRoleAssignments"), &GraphService::assignFrom);
    route("DELETE", servicePrincipals + key + QStringLiteral("/appRoleAssignments/([^/]+)"), &GraphService::unassignFrom);

    route("GET", QStringLiteral("/oauth2PermissionGrants"), &GraphService::listGrants);
    route("POST", QStringLiteral("/oauth2PermissionGrants"), &GraphService::createGrant);
    route("GET", QStringLiteral("/oauth2PermissionGrants/([^/]+)"), &GraphService::getGrant);
    route("PATCH", QStringLiteral("/oauth2PermissionGrants/([^/]+)"), &GraphService::updateGrant);
    route("DELETE", QStringLiteral("/oauth2PermissionGrants/([^/]+)"), &GraphService::deleteGrant);

    route("DELETE", QStringLiteral("/directory/deletedItems/([^/]+)"), &GraphService::purgeDeletedItem);

    router.setFallback(QStringLiteral("/graph/"), [graph](const Request& r) { return graph->fallback(r); });
}

}  // namespace dcr::sandbox
