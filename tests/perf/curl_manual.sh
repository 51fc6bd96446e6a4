#!/usr/bin/env bash
# The seeds' manual procedure as a plain curl script, one request after another, against a running
# dcr-sandbox: the yardstick that tests/perf/benchmark.sh times dcr-wizard's unattended run
# against. The same steps as tests/sandbox/curl_walkthrough.sh without its demonstrations of
# refused pitfalls: admin sign-in (PKCE), app registration, service principals, admin consent,
# client secret, DCR provider and its check, auth strategy, publication, a developer app registered
# through DCR, a v1 token and the three gateway calls.
#
# Usage: curl_manual.sh BASE_URL [--poll SECONDS] [--no-round-trip]
#   fails on the first request that does not succeed, except, with --poll, the requests that use an
#   object created moments before (the service principal, the consents, the provider's check, the
#   token), which are asked again every SECONDS until Entra ID has replicated (for at most 120 s):
#   what a person scripting the seeds would write once they met replication delay. With
#   --no-round-trip it ends after the publication and a v1 token for the app, as dcr-wizard does
#   without the DCR round trip.
set -euo pipefail
BASE=$1
shift
poll=""
round_trip=1
while [ $# -gt 0 ]; do
    case $1 in
    --poll) poll=$2; shift 2 ;;
    --no-round-trip) round_trip=0; shift ;;
    *) echo "usage: $0 BASE_URL [--poll SECONDS] [--no-round-trip]" >&2; exit 2 ;;
    esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "curl_manual: $*" >&2; exit 1; }
c() { curl -sS --fail-with-body "$@"; }
# A request that may meet replication delay: with --poll, asked again until it succeeds.
cr() {
    [ -n "$poll" ] || { c "$@"; return; }
    local deadline=$((SECONDS + 120)) out
    until out=$(curl -sS --fail-with-body "$@" 2>/dev/null); do
        [ "$SECONDS" -lt "$deadline" ] || fail "still refused after 120 s: $*"
        sleep "$poll"
    done
    printf '%s' "$out"
}

info=$(c "$BASE/_sandbox/info")
TENANT=$(jq -r .tenant_id <<<"$info")
KPAT=$(jq -r .konnect_personal_token <<<"$info")
PORTAL_ID=$(jq -r .portal_id <<<"$info")
API_ID=$(jq -r .api_id <<<"$info")
DEV_EMAIL=$(jq -r .developer_email <<<"$info")
DEV_PASSWORD=$(jq -r .developer_password <<<"$info")
GRAPH="$BASE/graph/v1.0"
KONNECT="$BASE/konnect"
KAUTH=(-H "Authorization: Bearer $KPAT")
JSON=(-H 'Content-Type: application/json')

# 1. Admin sign-in: authorization code with PKCE.
CLIENT=14d82eec-204b-4c2f-b7e8-296a70dab67e
VERIFIER=$(openssl rand -base64 48 | tr -d '\n=+/' | cut -c1-64)
CHALLENGE=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')
REDIRECT=http://localhost:53682
SCOPE="https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All https://graph.microsoft.com/DelegatedPermissionGrant.ReadWrite.All https://graph.microsoft.com/User.Read offline_access openid profile"
LOCATION=$(curl -sS -o /dev/null -w '%{redirect_url}' -G "$BASE/login/$TENANT/oauth2/v2.0/authorize" \
    --data-urlencode "client_id=$CLIENT" --data-urlencode response_type=code --data-urlencode "redirect_uri=$REDIRECT" \
    --data-urlencode "scope=$SCOPE" --data-urlencode state=xyz --data-urlencode "code_challenge=$CHALLENGE" \
    --data-urlencode code_challenge_method=S256)
CODE=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$LOCATION")
[ -n "$CODE" ] || fail "no authorization code"
ADMIN_TOKEN=$(c -X POST "$BASE/login/$TENANT/oauth2/v2.0/token" \
    --data-urlencode grant_type=authorization_code --data-urlencode "client_id=$CLIENT" \
    --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "code_verifier=$VERIFIER" |
    jq -r .access_token)
AUTH=(-H "Authorization: Bearer $ADMIN_TOKEN")

# 2. The app registration with Application.ReadWrite.OwnedBy (Role) and User.Read (Scope).
APP=$(c "${AUTH[@]}" "${JSON[@]}" -X POST "$GRAPH/applications" -d '{
  "displayName": "Kong DCR manual", "signInAudience": "AzureADMyOrg",
  "requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": [
    {"id": "18a4783c-866b-4cc7-a460-3d5e5662c884", "type": "Role"},
    {"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"}]}]}')
APP_OBJECT_ID=$(jq -r .id <<<"$APP")
APP_ID=$(jq -r .appId <<<"$APP")

# 3. Its service principal, and Microsoft Graph's, whose appRoles give the permission ids.
SP_ID=$(cr "${AUTH[@]}" "${JSON[@]}" -X POST "$GRAPH/servicePrincipals" -d "{\"appId\":\"$APP_ID\"}" | jq -r .id)
GRAPH_SP=$(c "${AUTH[@]}" "$GRAPH/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')?\$select=id,appRoles,oauth2PermissionScopes")
GRAPH_SP_ID=$(jq -r .id <<<"$GRAPH_SP")
ROLE_ID=$(jq -r '.appRoles[] | select(.value=="Application.ReadWrite.OwnedBy") | .id' <<<"$GRAPH_SP")

# 4. Admin consent: the application permission, then the delegated one.
cr -o /dev/null "${AUTH[@]}" "${JSON[@]}" -X POST "$GRAPH/servicePrincipals/$GRAPH_SP_ID/appRoleAssignedTo" \
    -d "{\"principalId\":\"$SP_ID\",\"resourceId\":\"$GRAPH_SP_ID\",\"appRoleId\":\"$ROLE_ID\"}"
cr -o /dev/null "${AUTH[@]}" "${JSON[@]}" -X POST "$GRAPH/oauth2PermissionGrants" \
    -d "{\"clientId\":\"$SP_ID\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"$GRAPH_SP_ID\",\"scope\":\"User.Read\"}"

# 5. The client secret's value.
SECRET=$(cr "${AUTH[@]}" "${JSON[@]}" -X POST "$GRAPH/applications/$APP_OBJECT_ID/addPassword" \
    -d '{"passwordCredential":{"displayName":"Kong DCR"}}' | jq -r .secretText)

# 6. Konnect: the DCR provider (issuer without a trailing slash), its check, the auth strategy.
PROVIDER_ID=$(c "${KAUTH[@]}" "${JSON[@]}" -X POST "$KONNECT/v2/dcr-providers" \
    -d "{\"name\":\"Azure DCR manual\",\"provider_type\":\"azureAd\",\"issuer\":\"https://sts.windows.net/$TENANT\",
         \"dcr_config\":{\"initial_client_id\":\"$APP_ID\",\"initial_client_secret\":\"$SECRET\"}}" | jq -r .id)
verified() { [ "$(c "${KAUTH[@]}" -X POST "$KONNECT/v2/dcr-providers/$PROVIDER_ID/verify" | jq -r .status)" = success ]; }
if [ -n "$poll" ]; then
    deadline=$((SECONDS + 120))
    until verified; do
        [ "$SECONDS" -lt "$deadline" ] || fail "the provider check still fails after 120 s"
        sleep "$poll"
    done
else
    verified || fail "the provider check failed"
fi
STRATEGY_ID=$(c "${KAUTH[@]}" "${JSON[@]}" -X POST "$KONNECT/v2/application-auth-strategies" \
    -d "{\"name\":\"Azure Auth manual\",\"display_name\":\"Azure Auth\",\"strategy_type\":\"openid_connect\",
         \"configs\":{\"openid-connect\":{\"issuer\":\"https://sts.windows.net/$TENANT\",\"credential_claim\":[\"appid\"],
         \"scopes\":[\"openid\"],\"auth_methods\":[\"client_credentials\",\"bearer\"]}},\"dcr_provider_id\":\"$PROVIDER_ID\"}" | jq -r .id)

# 7. Publish the API with the strategy; its slug names the gateway route.
c -o /dev/null "${KAUTH[@]}" "${JSON[@]}" -X PUT "$KONNECT/v3/apis/$API_ID/publications/$PORTAL_ID" \
    -d "{\"auth_strategy_ids\":[\"$STRATEGY_ID\"],\"visibility\":\"public\",\"auto_approve_registrations\":true}"
SLUG=$(c "${KAUTH[@]}" "$KONNECT/v3/apis/$API_ID" | jq -r '.slug // .name')

if [ "$round_trip" = 0 ]; then
    # The app's own v1 token, as dcr-wizard's validation asks for it.
    cr -o /dev/null -X POST "$BASE/login/$TENANT/oauth2/token" --data-urlencode grant_type=client_credentials \
        --data-urlencode "client_id=$APP_ID" --data-urlencode "client_secret=$SECRET" --data-urlencode "resource=https://graph.microsoft.com"
    exit 0
fi

# 8. A developer creates an application in the portal (DCR creates it in Entra ID) and registers it.
PORTAL="$BASE/portal/$PORTAL_ID/api/v3"
c -c "$work/cookies" -o /dev/null "${JSON[@]}" -X POST "$PORTAL/developer/authenticate" \
    -d "{\"username\":\"$DEV_EMAIL\",\"password\":\"$DEV_PASSWORD\"}"
DEV_APP=$(c -b "$work/cookies" "${JSON[@]}" -X POST "$PORTAL/applications" \
    -d "{\"name\":\"Manual app\",\"auth_strategy_id\":\"$STRATEGY_ID\"}")
CLIENT_ID=$(jq -r .client_id <<<"$DEV_APP")
CLIENT_SECRET=$(jq -r .client_secret <<<"$DEV_APP")
DEV_APP_ID=$(jq -r .id <<<"$DEV_APP")
c -b "$work/cookies" -o /dev/null "${JSON[@]}" -X POST "$PORTAL/applications/$DEV_APP_ID/registrations" -d "{\"api_id\":\"$API_ID\"}"

# 9. Validate: a v1 token for the developer app, and the gateway with it, with Basic, and without.
ACCESS_TOKEN=$(c -X POST "$BASE/login/$TENANT/oauth2/token" --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$CLIENT_ID" --data-urlencode "client_secret=$CLIENT_SECRET" \
    --data-urlencode "resource=https://graph.microsoft.com" | jq -r .access_token)
[ "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ACCESS_TOKEN" "$BASE/gateway/$SLUG/orders")" = 200 ] ||
    fail "the gateway refused the bearer token"
[ "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Basic $CLIENT_ID:$CLIENT_SECRET" "$BASE/gateway/$SLUG/orders")" = 200 ] ||
    fail "the gateway refused Basic credentials"
[ "$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/gateway/$SLUG/orders")" = 401 ] || fail "the gateway let a request without credentials through"
