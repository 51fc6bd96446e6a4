#!/usr/bin/env bash
# The manual procedure of Kong's Azure DCR guide, done with curl against a standalone dcr-sandbox:
# sign the admin in (authorization code + PKCE), register the Azure app, add the Microsoft Graph
# permissions, grant admin consent, create the client secret, create the Konnect DCR provider and
# auth strategy, publish the API, register a developer app through the portal (DCR creates it in
# "Azure"), get a v1 token and call the gateway. Also shows the seeds' pitfalls being refused.
#
# Usage: curl_walkthrough.sh PATH/TO/dcr-sandbox
# Each block can be pasted into a shell by hand once BASE, KPAT, TENANT etc. are set.
set -euo pipefail
sandbox_bin=$1
passed=0
failed=0
check() {  # check "what" actual expected
    if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $1: got '$2', expected '$3'" >&2; fi
}

work=$(mktemp -d)
trap 'kill "$sandbox_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
printf '{"auto_approve_sign_in": true}' > "$work/seed.json"
"$sandbox_bin" --port 0 --seed "$work/seed.json" > "$work/info.json" &
sandbox_pid=$!
for _ in $(seq 1 100); do [ -s "$work/info.json" ] && break; sleep 0.1; done
info=$(head -n 1 "$work/info.json")
BASE=$(jq -r .base_url <<<"$info")
TENANT=$(jq -r .tenant_id <<<"$info")
KPAT=$(jq -r .konnect_personal_token <<<"$info")
PORTAL_ID=$(jq -r .portal_id <<<"$info")
API_ID=$(jq -r .api_id <<<"$info")
DEV_EMAIL=$(jq -r .developer_email <<<"$info")
DEV_PASSWORD=$(jq -r .developer_password <<<"$info")
GRAPH="$BASE/graph/v1.0"
KONNECT="$BASE/konnect"
echo "sandbox at $BASE, tenant $TENANT"

# 1. Admin sign-in: authorization code with PKCE (the sandbox's sign-in page approves at once here).
CLIENT=14d82eec-204b-4c2f-b7e8-296a70dab67e
VERIFIER=$(openssl rand -base64 48 | tr -d '\n=+/' | cut -c1-64)
CHALLENGE=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')
REDIRECT=http://localhost:53682
SCOPE="https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All https://graph.microsoft.com/DelegatedPermissionGrant.ReadWrite.All https://graph.microsoft.com/User.Read offline_access openid profile"
LOCATION=$(curl -s -o /dev/null -w '%{redirect_url}' -G "$BASE/login/$TENANT/oauth2/v2.0/authorize" \
    --data-urlencode "client_id=$CLIENT" --data-urlencode response_type=code --data-urlencode "redirect_uri=$REDIRECT" \
    --data-urlencode "scope=$SCOPE" --data-urlencode state=xyz --data-urlencode "code_challenge=$CHALLENGE" \
    --data-urlencode code_challenge_method=S256)
CODE=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$LOCATION")
check "authorization code issued" "$([ -n "$CODE" ] && echo yes)" yes
ADMIN_TOKEN=$(curl -s -X POST "$BASE/login/$TENANT/oauth2/v2.0/token" \
    --data-urlencode grant_type=authorization_code --data-urlencode "client_id=$CLIENT" \
    --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "code_verifier=$VERIFIER" |
    jq -r .access_token)
check "admin token issued" "$([ "${ADMIN_TOKEN:-null}" != null ] && echo yes)" yes
AUTH=(-H "Authorization: Bearer $ADMIN_TOKEN")

# 2. Register the app (this organization only) with Application.ReadWrite.OwnedBy (Role) and User.Read (Scope).
APP=$(curl -s "${AUTH[@]}" -H 'Content-Type: application/json' -X POST "$GRAPH/applications" -d '{
  "displayName": "Kong DCR walkthrough", "signInAudience": "AzureADMyOrg",
  "requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": [
    {"id": "18a4783c-866b-4cc7-a460-3d5e5662c884", "type": "Role"},
    {"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"}]}]}')
APP_OBJECT_ID=$(jq -r .id <<<"$APP")
APP_ID=$(jq -r .appId <<<"$APP")
check "application created" "$(jq -r .signInAudience <<<"$APP")" AzureADMyOrg

# 3. Its service principal, and Microsoft Graph's, whose appRoles give the permission ids.
SP_ID=$(curl -s "${AUTH[@]}" -H 'Content-Type: application/json' -X POST "$GRAPH/servicePrincipals" -d "{\"appId\":\"$APP_ID\"}" | jq -r .id)
GRAPH_SP=$(curl -s "${AUTH[@]}" "$GRAPH/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')?\$select=id,appRoles,oauth2PermissionScopes")
GRAPH_SP_ID=$(jq -r .id <<<"$GRAPH_SP")
ROLE_ID=$(jq -r '.appRoles[] | select(.value=="Application.ReadWrite.OwnedBy") | .id' <<<"$GRAPH_SP")
check "role id resolved from the Graph service principal" "$ROLE_ID" 18a4783c-866b-4cc7-a460-3d5e5662c884

# 4. Admin consent: the app permission, then the delegated one.
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" -H 'Content-Type: application/json' -X POST \
    "$GRAPH/servicePrincipals/$GRAPH_SP_ID/appRoleAssignedTo" \
    -d "{\"principalId\":\"$SP_ID\",\"resourceId\":\"$GRAPH_SP_ID\",\"appRoleId\":\"$ROLE_ID\"}")
check "app role assigned" "$STATUS" 201
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" -H 'Content-Type: application/json' -X POST \
    "$GRAPH/oauth2PermissionGrants" \
    -d "{\"clientId\":\"$SP_ID\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"$GRAPH_SP_ID\",\"scope\":\"User.Read\"}")
check "delegated permission granted" "$STATUS" 201

# 5. The client secret: keep its VALUE (secretText), not its id (keyId).
SECRET=$(curl -s "${AUTH[@]}" -H 'Content-Type: application/json' -X POST "$GRAPH/applications/$APP_OBJECT_ID/addPassword" \
    -d '{"passwordCredential":{"displayName":"Kong DCR"}}' | jq -r .secretText)
check "secret value returned" "$([ "${SECRET:-null}" != null ] && echo yes)" yes

# 6. Konnect: the seeds' pitfalls are refused as Kong's spec says...
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KPAT" -H 'Content-Type: application/json' \
    -X POST "$KONNECT/v2/dcr-providers" -d "{\"name\":\"p\",\"provider_type\":\"Azure\",\"issuer\":\"https://sts.windows.net/$TENANT\",
      \"dcr_config\":{\"initial_client_id\":\"$APP_ID\",\"initial_client_secret\":\"x\"}}")
check "provider_type Azure refused" "$STATUS" 400
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KPAT" -H 'Content-Type: application/json' \
    -X POST "$KONNECT/v2/dcr-providers" -d "{\"name\":\"p\",\"provider_type\":\"azureAd\",\"issuer\":\"https://sts.windows.net/$TENANT\",
      \"dcr_config\":{\"initial_client_id\":\"$APP_ID\",\"initial_client_secret\":\"x\",\"initial_client_audience\":\"https://x/\"}}")
check "initial_client_audience refused for azureAd" "$STATUS" 400

# ...and the right body is accepted: issuer WITHOUT a trailing slash.
PROVIDER_ID=$(curl -s -H "Authorization: Bearer $KPAT" -H 'Content-Type: application/json' -X POST "$KONNECT/v2/dcr-providers" \
    -d "{\"name\":\"Azure DCR Provider\",\"provider_type\":\"azureAd\",\"issuer\":\"https://sts.windows.net/$TENANT\",
         \"dcr_config\":{\"initial_client_id\":\"$APP_ID\",\"initial_client_secret\":\"$SECRET\"}}" | jq -r .id)
VERIFY=$(curl -s -H "Authorization: Bearer $KPAT" -X POST "$KONNECT/v2/dcr-providers/$PROVIDER_ID/verify" | jq -r .status)
check "provider verified against Azure" "$VERIFY" success
STRATEGY_ID=$(curl -s -H "Authorization: Bearer $KPAT" -H 'Content-Type: application/json' -X POST \
    "$KONNECT/v2/application-auth-strategies" -d "{\"name\":\"Azure Auth\",\"display_name\":\"Azure Auth\",
      \"strategy_type\":\"openid_connect\",\"configs\":{\"openid-connect\":{\"issuer\":\"https://sts.windows.net/$TENANT\",
      \"credential_claim\":[\"appid\"],\"scopes\":[\"openid\"],\"auth_methods\":[\"client_credentials\",\"bearer\"]}},
      \"dcr_provider_id\":\"$PROVIDER_ID\"}" | jq -r .id)
check "auth strategy created" "$([ "${STRATEGY_ID:-null}" != null ] && echo yes)" yes

# 7. Publish the API with the strategy.
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KPAT" -H 'Content-Type: application/json' -X PUT \
    "$KONNECT/v3/apis/$API_ID/publications/$PORTAL_ID" \
    -d "{\"auth_strategy_ids\":[\"$STRATEGY_ID\"],\"visibility\":\"public\",\"auto_approve_registrations\":true}")
check "API published" "$(case $STATUS in 200|201) echo ok;; *) echo "$STATUS";; esac)" ok
SLUG=$(curl -s -H "Authorization: Bearer $KPAT" "$KONNECT/v3/apis/$API_ID" | jq -r '.slug // .name')

# 8. A developer creates an application in the portal: Konnect registers it in Azure through DCR.
PORTAL="$BASE/portal/$PORTAL_ID/api/v3"
curl -s -c "$work/cookies" -o /dev/null -H 'Content-Type: application/json' -X POST "$PORTAL/developer/authenticate" \
    -d "{\"username\":\"$DEV_EMAIL\",\"password\":\"$DEV_PASSWORD\"}"
DEV_APP=$(curl -s -b "$work/cookies" -H 'Content-Type: application/json' -X POST "$PORTAL/applications" \
    -d "{\"name\":\"Walkthrough app\",\"auth_strategy_id\":\"$STRATEGY_ID\"}")
CLIENT_ID=$(jq -r .client_id <<<"$DEV_APP")
CLIENT_SECRET=$(jq -r .client_secret <<<"$DEV_APP")
DEV_APP_ID=$(jq -r .id <<<"$DEV_APP")
curl -s -b "$work/cookies" -o /dev/null -H 'Content-Type: application/json' -X POST "$PORTAL/applications/$DEV_APP_ID/registrations" \
    -d "{\"api_id\":\"$API_ID\"}"
IN_AZURE=$(curl -s "${AUTH[@]}" "$GRAPH/applications(appId='$CLIENT_ID')" | jq -r .displayName)
check "DCR created the app in Azure" "$IN_AZURE" "Walkthrough app"

# 9. Validate: a v1 token (POST with resource; a GET is refused) and gateway calls.
STATUS=$(curl -s -o "$work/get.json" -w '%{http_code}' -G "$BASE/login/$TENANT/oauth2/token" --data grant_type=client_credentials)
check "GET on the token endpoint refused" "$(jq -r '.error_codes[0]' "$work/get.json")" 900561
TOKEN_RESPONSE=$(curl -s -X POST "$BASE/login/$TENANT/oauth2/token" --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$CLIENT_ID" --data-urlencode "client_secret=$CLIENT_SECRET" \
    --data-urlencode "resource=https://graph.microsoft.com")
check "expires_in is a string" "$(jq -r '.expires_in | type' <<<"$TOKEN_RESPONSE")" string
ACCESS_TOKEN=$(jq -r .access_token <<<"$TOKEN_RESPONSE")
PAYLOAD=$(cut -d. -f2 <<<"$ACCESS_TOKEN" | tr '_-' '/+')
while [ $(( ${#PAYLOAD} % 4 )) -ne 0 ]; do PAYLOAD="$PAYLOAD="; done
ISSUER=$(base64 -d <<<"$PAYLOAD" | jq -r .iss)
check "v1 issuer has a trailing slash" "$ISSUER" "https://sts.windows.net/$TENANT/"
check "gateway accepts the bearer token" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ACCESS_TOKEN" "$BASE/gateway/$SLUG/orders")" 200
check "gateway accepts Basic client_id:client_secret" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $CLIENT_ID:$CLIENT_SECRET" "$BASE/gateway/$SLUG/orders")" 200
check "gateway refuses no credentials" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/gateway/$SLUG/orders")" 401

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
