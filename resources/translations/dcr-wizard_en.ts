<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message>
        <source>Done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is stored in the keychain under this name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keychain is locked or refused access. Unlock it (or allow dcr-wizard) and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain is available on this system (no Secret Service is running). Copy the secret now and keep it somewhere safe: it will not be shown again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The value is larger than %1 bytes, more than every platform&apos;s keychain can hold.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keychain reported an error.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr</name>
    <message>
        <source>%1 did not accept the credentials sent with the request.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in again or enter a new token, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 refused the request: the account is not allowed to do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use an account or token with the permissions this step needs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 found nothing at the requested address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the address, the region or cloud in the profile, and that the object still exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 gave up waiting for the request to arrive (HTTP 408).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the network connection and proxy settings, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 asked to slow down (HTTP 429).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait a minute, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 had a temporary failure (HTTP %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait a few minutes, then retry; if it persists, check the service&apos;s status page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 refused the request with HTTP %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the values in the profile; the log has the service&apos;s answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the connection was refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server closed the connection without answering</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server did not answer in time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the network connection failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in again, or check that the token was copied whole.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token is not a JWT: it is %1 bytes long, far more than any access token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token is not a JWT: it has %1 part(s) separated by dots, not 3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s header is not valid base64url.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s claims are not valid base64url.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s header is not a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s claims are not a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s header names no signing algorithm (alg).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token is signed with &apos;%1&apos;, not RS256.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token was signed with a key the tenant does not publish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s signature is not valid base64url.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant&apos;s signing key could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s signature does not match the tenant&apos;s signing key.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::EntraSignIn</name>
    <message>
        <source>No local port is free for the sign-in answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the device code sign-in instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Entra ID answered without a usable access token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try signing in again; if it keeps happening, use the device code sign-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The device code expired before the sign-in was completed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the sign-in again and enter the new code within 15 minutes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What was pasted is not an access token (a JWT has three parts separated by dots).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the whole access token, for example from `az account get-access-token --resource https://graph.microsoft.com`.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The access token has expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Get a fresh token and paste it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no refresh token to renew the sign-in with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dcr-wizard waits here only for the sign-in&apos;s answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dcr-wizard already has the answer to this sign-in. You can close this window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not this sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This answer does not belong to the sign-in dcr-wizard is waiting for (its state does not match), so dcr-wizard ignored it and is still waiting. Finish the sign-in in the window dcr-wizard opened, or start it again from dcr-wizard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in not completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Entra ID answered: %1 Return to dcr-wizard for what to do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can close this window and return to dcr-wizard.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::Error</name>
    <message>
        <source>Entra ID refused the client secret: it is not a valid secret value of this app, most often because the secret ID was entered instead of the secret&apos;s value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the secret&apos;s Value (shown only once, when the secret is created), not its Secret ID; if the secret was created moments ago, wait a minute and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app&apos;s client secret has expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a new client secret for the app and use its value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID found no application with this client ID in this tenant: the tenant or client ID is wrong, or a new app has not replicated yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the tenant and the application (client) ID; if the app was created moments ago, wait a minute and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app has not been granted consent for the permissions it asks for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Have an administrator grant admin consent for the app&apos;s API permissions, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This sign-in client may not ask for Microsoft Graph permissions dynamically (the Azure CLI client, for one, refuses).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use Microsoft Graph Command Line Tools (14d82eec-204b-4c2f-b7e8-296a70dab67e) as the sign-in client ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user declined the consent prompt, so no token was issued.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in again and accept the requested permissions, or ask an administrator to grant consent for the organization.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID does not know this tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the tenant ID or domain (for example contoso.onmicrosoft.com) and the Azure cloud chosen in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant requires multi-factor authentication for this sign-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with the browser and complete the multi-factor prompt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The account must register for multi-factor authentication before it can sign in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register multi-factor authentication for the account (https://aka.ms/mfasetup), then sign in with the browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A Conditional Access policy of the tenant blocked this sign-in (device code sign-in is often blocked).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with the browser instead of a device code, or ask the tenant&apos;s administrator which policy applies.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The redirect URI of the sign-in does not match any redirect URI registered for the sign-in client.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register http://localhost as a Mobile and desktop redirect URI of the sign-in client, or use the default Microsoft Graph Command Line Tools client.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The resource the token is asked for has no service principal in this tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the resource or scope, and have an administrator add the resource to the tenant by consenting to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in client is not a public client, so Entra ID asks for a secret or assertion it cannot send.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Turn on &apos;Allow public client flows&apos; for the sign-in client, or use the default Microsoft Graph Command Line Tools client.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token endpoint was called with GET, but it accepts only POST.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the token request as POST with a form body (curl --request POST --data …).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in on the device code page is not finished yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish the sign-in in the browser; the wizard keeps waiting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID asked to check on the device code sign-in less often.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to do: the wizard waits longer between checks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in was declined on the device code page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the sign-in again and approve it in the browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The device code expired before the sign-in was completed (codes are valid for 15 minutes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the device code sign-in again and enter the new code promptly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID did not recognise the device code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the device code sign-in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID did not accept the client&apos;s credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the application (client) ID and the client secret&apos;s value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in grant (authorization code or refresh token) is invalid, expired or was already used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID refused the requested scopes or resource.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the scopes or resource, and the Azure cloud chosen in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This client is not allowed to use this kind of sign-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the default Microsoft Graph Command Line Tools client, or another sign-in method.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID needs the user to sign in interactively (consent, multi-factor authentication or a policy).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with the browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consent is needed before Entra ID issues this token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with the browser and accept the requested permissions, or ask an administrator to grant consent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in was cancelled or denied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the sign-in again and approve it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID is temporarily unable to issue tokens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait a minute, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID rejected the token request as incomplete or malformed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the tenant, the client ID and the Azure cloud in the profile; the log has Entra ID&apos;s answer with its trace ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph denied the request: the signed-in account lacks the privileges (a directory role), or the token the permission, for this operation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in as an Application Administrator or Cloud Application Administrator (a Privileged Role Administrator or Global Administrator to grant admin consent) and accept the requested permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph found no such directory object: it was deleted, or it was created moments ago and has not replicated yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If it was just created, wait a minute and retry; otherwise run the setup again to recreate it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another change to the same directory object was being made at the same time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry in a few seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph did not accept the access token: it expired, or it was issued for another tenant, cloud or resource.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in again to the tenant being set up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph could not find the identity of the calling application in this tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check that you signed in to the right tenant, and that the sign-in client has been consented to in it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An object with the same unique value (name or identifier) already exists in the directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another value, or let the wizard adopt the existing object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph rejected the request as invalid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the values in the profile; the log has Graph&apos;s message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new application has not replicated in Entra ID yet, so its service principal cannot be created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait a minute and retry; replication usually completes within a few minutes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID has not finished replicating a newly created object, so it cannot be used yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph is throttling requests from this tenant or app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait a few minutes, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID refused the token request (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID refused the token request (AADSTS%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up the code at https://login.microsoftonline.com/error; the log has Entra ID&apos;s answer with its trace ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph rejected the request: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph refused the request (%1): %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect refused these fields: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct the named fields in the profile or on the wizard&apos;s page, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect rejected the request as invalid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect rejected the request: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the values in the profile; the log has Konnect&apos;s answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect did not accept the access token: it is mistyped, expired or revoked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a personal access token (kpat_…) or a system account token (spat_…) in Konnect and enter it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect accepted the token, but its user or system account is not allowed to do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the token of an Organization Admin, or give the account roles for Dev Portals, APIs and application auth strategies.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect has no such object in this region.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the Konnect region in the profile and that the object was not deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect reported a conflict: the name is taken or the object is still in use.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect reported a conflict: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another name or adopt the existing object; to delete, first remove what still uses it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect&apos;s API rate limit was exceeded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect refused the request with HTTP %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection was refused: nothing is listening at that address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the address and that the service (or the sandbox) is running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server closed the connection without answering.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry in a moment; if it keeps happening, check for a proxy or firewall in between.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s name could not be resolved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the address, the region or cloud in the profile, and this computer&apos;s network connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the network connection and proxy settings, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secure connection failed: the server&apos;s certificate is not trusted or the TLS handshake failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the system clock and CA certificates; behind a TLS-inspecting proxy, install its CA certificate in the system store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The network connection was lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect to the network, then retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The proxy asks for credentials that were not given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the proxy&apos;s credentials in the proxy settings (for example https_proxy=http://user:password@host:port).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The proxy server could not be reached or refused the connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the proxy settings (https_proxy and no_proxy, or the desktop&apos;s proxy settings).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server redirected too often or to an insecure address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the address in the profile; it may point to a login page or an old host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request failed before the server answered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused to send a request to %1: only https:// addresses are allowed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an empty address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use an https:// address; plain http:// is accepted only for this computer (127.0.0.1, ::1, localhost).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused the secure connection to %1: its certificate is not trusted (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If a TLS-inspecting proxy or a private certificate authority is in between, install its CA certificate in the system&apos;s store (update-ca-certificates); otherwise check the address and the system clock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection closed before the service answered, so it may have done what was asked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry: the setup first looks for what already exists, so nothing is made twice.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::HttpAttempt</name>
    <message>
        <source>no answer (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2 → %3 in %4 ms (attempt %5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; retrying in %1 s because %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::HttpClient</name>
    <message>
        <source>refused to forward the request&apos;s credentials to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing received for %1 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::KonnectClient</name>
    <message>
        <source>An API can be published with at most one application auth strategy, but %1 were given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose one auth strategy for the publication.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::PortalClient</name>
    <message>
        <source>The portal accepted the developer&apos;s sign-in but sent no session cookie (%1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::RetryPolicy</name>
    <message>
        <source>Entra ID is still replicating the new object (HTTP %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the service is throttling requests and said when to come back (HTTP 429, Retry-After)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the service is throttling requests (HTTP 429)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the service is temporarily unavailable and said when to come back (HTTP 503, Retry-After)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the service is temporarily unavailable (HTTP 503)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the service had a temporary failure (HTTP %1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::TokenClient</name>
    <message>
        <source>The token endpoint answered without an access token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant&apos;s discovery document names no signing keys.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the sign-in address of the cloud in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token has no expiry time (exp) as a number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token has expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token is a v2 token: the app (as a resource) asks for v2 tokens through requestedAccessTokenVersion, and Kong&apos;s Azure DCR accepts v1 tokens only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s version is &apos;%1&apos;, not 1.0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s issuer lacks the trailing slash v1 tokens have (%1/).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s issuer is %1, not %2/.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s appid is &apos;%1&apos;, not the app&apos;s client ID %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant&apos;s signing key list (jwks_uri) holds no keys.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again in a moment; if it stays empty, check the sign-in address of the cloud in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token&apos;s start time (nbf) is not a number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token is not valid yet: its start time (nbf) is %1 minutes ahead of this computer&apos;s clock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token is for &apos;%1&apos; (aud), not for %2, which it was asked for.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::Unattended</name>
    <message>
        <source>Test sign-in: sign in as a test user of the app. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to clean up: no saved progress for the profile &apos;%1&apos; (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Konnect token does not look like a personal (kpat_…) or system account (spat_…) token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a token in Konnect under Personal access tokens or System accounts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Konnect token was given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set DCR_WIZARD_KONNECT_TOKEN, pipe the token on standard input, or store it in the keychain from the wizard. Tokens are never taken from the command line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in to Microsoft Entra ID as %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For the client application&apos;s code or app.config:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Application (client) ID: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Redirect URI:            %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Authority:               %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Connection string:       %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setup of &apos;%1&apos; finished in %2 s:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setup of &apos;%1&apos; stopped:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain is available. The client secret, shown this once (copy it now): %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain is available and the output is not a terminal, so the client secret is not shown; Konnect&apos;s DCR provider has it. Create a new one in the Azure portal if you need it elsewhere.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile names its own hosts instead of Microsoft&apos;s and Kong&apos;s: sign-in %1, Microsoft Graph %2, Konnect %3. Nothing was sent to them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If you trust these hosts with your sign-in and Konnect token, run again with --allow-custom-endpoints; otherwise use a profile with a named cloud and region.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give this profile&apos;s own --state-file, or remove the file if it is of no use any more.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean-up of &apos;%1&apos; (%2):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Nothing recorded; objects carrying this setup&apos;s tag (from a run cut short) are looked for and deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  The keychain copy of each client secret it deletes goes with it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::clients</name>
    <message>
        <source>%1 answered HTTP %2, but not with what was asked for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check that the address in the profile points at %1 itself, not a proxy or login page; the log has the answer.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::engine</name>
    <message>
        <source>This tenant has no Dynamics CRM service principal (AADSTS500011: the resource principal 00000007-0000-0000-c000-000000000000 was not found), so it has no Dynamics 365 or Dataverse environment to call.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to the tenant that holds your Dynamics 365 or Power Platform environment, or create an environment there first (https://admin.powerplatform.microsoft.com).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accounts in this organization only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accounts in any organizational directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>supported account types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redirect URI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>public client flows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dynamics CRM permission</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are signed in to the tenant &apos;%1&apos; (%2), not to &apos;%3&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with an account of the tenant the profile names, or change the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in to the tenant &apos;%1&apos; (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Found Dynamics CRM&apos;s delegated permission user_impersonation (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dynamics CRM in this tenant does not offer the delegated permission user_impersonation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask a Global Administrator to check the Dynamics CRM enterprise application of the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 app registrations are named &apos;%2&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the app a name no other registration uses, or delete the extra ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would register the public client app &apos;%1&apos; (%2) with the redirect URI %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registered the app &apos;%1&apos; (client ID %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; already exists as asked (client ID %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would correct the app &apos;%1&apos;: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Corrected the app &apos;%1&apos;: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would create the app&apos;s service principal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app&apos;s service principal exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created the app&apos;s service principal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted the app&apos;s service principal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admin consent was not asked for: each user consents at their first sign-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would grant admin consent for Dynamics CRM user_impersonation for all users.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admin consent for Dynamics CRM user_impersonation is in place.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would add user_impersonation to the existing Dynamics CRM consent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added user_impersonation to the Dynamics CRM admin consent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Granted admin consent for Dynamics CRM user_impersonation for all users.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app registration is not as asked: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the setup again: it corrects the registration; or fix it in the Azure portal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entra ID does not find the app with client ID %1 any more.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the setup again: it registers the app anew.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its supported account types are %1 instead of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the mobile and desktop redirect URI %1 is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;Allow public client flows&apos; is off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the Dynamics CRM permission user_impersonation is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app exists with %1, the redirect URI %2, public client flows on and Dynamics CRM user_impersonation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>admin consent for user_impersonation is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, consented for all users.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its signature does not verify against the tenant&apos;s keys.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its audience is %1, not %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It does not carry the user_impersonation permission.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test sign-in got a token that Dynamics 365 would refuse: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the app&apos;s API permissions in the Azure portal and grant admin consent again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 signed in through the app with a device code and got a token for %2 with user_impersonation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test sign-in through the app failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test sign-in was not asked for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped the test sign-in: it needs a person to enter a device code, and this run has no one to show it to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the Microsoft Entra tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reads the tenant you signed in to and checks it is the one the profile names.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find Dynamics CRM in the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finds the tenant&apos;s Dynamics CRM service principal and the id of its delegated permission user_impersonation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register the client application</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finds or creates the app registration: supported account types, the mobile and desktop redirect URI, &apos;Allow public client flows&apos; on, and the Dynamics CRM permission user_impersonation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the app&apos;s service principal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The enterprise application that admin consent is granted to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grant admin consent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grants Dynamics CRM user_impersonation for all users of the organization, so that nobody sees a consent prompt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reads the app back from Microsoft Graph and checks each property.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would read the app back and check its properties.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in through the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signs a user in through the new app with a device code and checks the token is for Dynamics 365 with user_impersonation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would sign in through the app with a device code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app&apos;s client secret is neither in this session nor in the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the setup again from the start after cleaning up (--cleanup), or create a new client secret in the Azure portal and enter it in Konnect&apos;s DCR provider.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This tenant has no service principal for Microsoft Graph.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask a Global Administrator to check the tenant; every tenant normally has it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph in this tenant does not offer the permission %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another permission preset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Found Microsoft Graph&apos;s permissions in the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would register the app &apos;%1&apos; (this organization only).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; already exists with the right permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would add the missing Microsoft Graph permissions to &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added the missing Microsoft Graph permissions to &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Granted admin consent for %n application permission(s).</source>
        <translation>
            <numerusform>Granted admin consent for %n application permission.</numerusform>
            <numerusform>Granted admin consent for %n application permissions.</numerusform>
        </translation>
    </message>
    <message>
        <source>Would grant admin consent for the application permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admin consent for the application permissions is in place.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Would grant admin consent for %n application permission(s).</source>
        <translation>
            <numerusform>Would grant admin consent for %n application permission.</numerusform>
            <numerusform>Would grant admin consent for %n application permissions.</numerusform>
        </translation>
    </message>
    <message>
        <source>Would grant admin consent for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admin consent for %1 is in place.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would add %1 to the existing consent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added %1 to the admin consent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Granted admin consent for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created a client secret (valid until %1) and stored it in the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created a client secret (valid until %1), but it could not be stored: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would create a client secret and store it in the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Using the app&apos;s client secret from the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock the keychain and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to the Konnect organization &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A DCR provider named &apos;%1&apos; exists for %2, not Azure.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another DCR provider name in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos; already uses this app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would point the DCR provider &apos;%1&apos; at this app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would create the DCR provider &apos;%1&apos; (issuer %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gave the DCR provider &apos;%1&apos; the app&apos;s new credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created the DCR provider &apos;%1&apos; (issuer %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect checked the initial client credentials against Entra ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect could not use the app&apos;s credentials: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check that admin consent for Application.ReadWrite.OwnedBy is granted and that Konnect has the secret&apos;s value (not its ID); brand-new credentials can take a few minutes to work, so retry later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An auth strategy named &apos;%1&apos; exists but uses another DCR provider.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another auth strategy name in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The auth strategy &apos;%1&apos; already exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would create the auth strategy &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created the auth strategy &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is already published on &apos;%2&apos; with this strategy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would publish &apos;%1&apos; on &apos;%2&apos; with the auth strategy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Published &apos;%1&apos; on &apos;%2&apos; with the auth strategy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publishing an API was not asked for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect has no API named &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the API in Konnect first, or correct the API name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect has no portal named &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The organization has %1 portals.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name the portal to publish on in the profile (publish.portal_name).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kong&apos;s Azure DCR accepts v1 tokens only: leave the app&apos;s requestedAccessTokenVersion empty (or 1) in its manifest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Got a v1 token for the app: signature, issuer (%1/), version 1.0 and appid match.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a bearer token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Basic client ID and secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The gateway answered %1 to a request with %2 at %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check that the route belongs to the published API and that its OpenID Connect plugin uses the issuer https://sts.windows.net/&lt;tenant&gt;/ and the credential claim appid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The route is not protected: apply the auth strategy to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DCR round trip was not asked for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped the DCR round trip: it needs a published API and a developer account of the portal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A developer app created through the portal got client ID %1 from Entra ID and a valid v1 token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; the gateway accepted it and refused a request without credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up Microsoft Graph&apos;s permissions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finds the ids of the permissions the app needs in the tenant&apos;s Microsoft Graph.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register the application</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finds or creates the app registration (accounts in this organization only) with the Microsoft Graph permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grant admin consent (application permissions)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assigns the Microsoft Graph application permissions, such as Application.ReadWrite.OwnedBy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grant admin consent (delegated permissions)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grants User.Read for all users of the organization.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creates a client secret and keeps its value only in the system keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the Konnect token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks the Konnect token and reads the organization&apos;s name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the DCR provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creates the Azure DCR provider with the issuer https://sts.windows.net/&lt;tenant&gt; (no trailing slash) and the app&apos;s client ID and secret.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verify the DCR provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asks Konnect to check the initial client credentials against Entra ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would ask Konnect to verify the credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the auth strategy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creates the OpenID Connect auth strategy with the credential claim appid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish the API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publishes the API on the portal with the auth strategy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request a token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gets a v1 token for the app with its client secret and checks it as Kong will.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would request and check a v1 token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register a test application through the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creates a developer application with the strategy, gets its token, calls the gateway, and deletes it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would register and delete a test application.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Found the app &apos;%1&apos; that this setup registered before it was interrupted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Found the DCR provider &apos;%1&apos; that this setup created before it was interrupted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Found the auth strategy &apos;%1&apos; that this setup created before it was interrupted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing of this setup&apos;s was left here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The saved progress belongs to the tenant %1, but you are signed in to %2 (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the saved progress of this tenant (another --state-file), or sign in to the tenant it belongs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exists, not created by dcr-wizard: will be used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exists, not created by dcr-wizard: will be left alone, and the run stops here unless you allow using it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app registration &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Found the service principal that this setup created before it was interrupted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The service principal was already gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The service principal &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it no longer carries this setup&apos;s tag.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The permission grant was already gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revoked the admin consent for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app registration &apos;%1&apos; was already gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted the app registration &apos;%1&apos; (Entra ID keeps it 30 days in deleted items).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>use it as it is</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>correct it: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; %2: it is already as asked (client ID %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; %2, and would be corrected: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dynamics CRM user_impersonation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>add a client secret to it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>add the missing Microsoft Graph permissions and a client secret to it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; %2, as it is: it has the right permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; %2: the missing Microsoft Graph permissions would be added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added the missing Microsoft Graph permissions to &apos;%1&apos;, which dcr-wizard did not create (as allowed).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph app role %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client secret %1 was already gone; removed its copy from the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client secret &apos;%1&apos; of the app &apos;%2&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its name no longer carries this setup&apos;s tag.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed the client secret this setup added to &apos;%1&apos;, and its copy in the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The saved progress belongs to the Konnect organization %1, but the token is for &apos;%2&apos; (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the saved progress of this organization (another --state-file), or a token of the organization it belongs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>give it this app&apos;s client ID and secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos; %2: it already uses this app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos; %2: it would get this app&apos;s credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos; was already gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it no longer carries this setup&apos;s label.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted the DCR provider &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The auth strategy &apos;%1&apos; %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The auth strategy &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>publish the API with it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The auth strategy &apos;%1&apos; was already gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted the auth strategy &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; on &apos;%2&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>with the auth strategy %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>without an auth strategy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is already published %2, not by dcr-wizard: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it would be switched to this setup&apos;s strategy, which cuts off the developer applications registered through the one there now; clean-up puts it back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it will be left alone, and the run stops here unless you allow switching it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is already published %2, and not by dcr-wizard; switching it to this setup&apos;s strategy would cut off every developer application registered through it, so it was left as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish another API or on another portal (publish.api_name, publish.portal_name), or allow the switch with --adopt (or &quot;adopt&quot;: true in the profile): clean-up then puts the current publication back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switched the publication of &apos;%1&apos; on &apos;%2&apos; to this setup&apos;s auth strategy (clean-up puts the previous one back).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The publication of %1 was already gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The publication of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it no longer uses this setup&apos;s auth strategy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed the publication of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the publication of %1 back as it was before this setup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A developer application of the DCR round trip is left, but this run has no developer account of the portal to delete it with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the applications named &apos;dcr-wizard check …&apos; in the Dev Portal, then run the clean-up again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted the developer application &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app role assignment was already gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, tenant %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, organization %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2) already exists and was not created by dcr-wizard; it was left as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To use it anyway (dcr-wizard would %1, and clean-up would never delete it), allow using existing objects: --adopt, or &quot;adopt&quot;: true in the profile. Otherwise choose another name in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2) was not deleted: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It may have been replaced by an object someone else made. Check it in the portal; if it really is the one this setup made, delete it there, then run the clean-up again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the app registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the client secret (password credential)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the service principal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the app role assignment (admin consent)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the delegated permission grant (admin consent)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the DCR provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the auth strategy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the API&apos;s publication</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the developer application</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put back as it was before this setup: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete: %1, created by this setup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep: %1; it existed before this setup, which only used it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::engine::RunState</name>
    <message>
        <source>Cannot read the saved progress in %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The saved progress in %1 is damaged or from another version; remove it to start over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save progress to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot remove %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress is not saved to %1: it is a symbolic link, and the file would be written wherever it points. Give --state-file a plain file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::engine::RunState::Target</name>
    <message>
        <source>the sandbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the tenant %1 on %2 and Konnect on %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::engine::Runner</name>
    <message>
        <source>Skipped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Free some disk space or fix the folder&apos;s permissions, then retry; nothing created so far is lost.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::engine::Session</name>
    <message>
        <source>The saved progress in %1 belongs to %2, not to %3; it is left as it is.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::ApplyPage</name>
    <message>
        <source>Setup steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setup status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip this ste&amp;p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clean up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the setup a&amp;gain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each step finds what exists before creating anything. Progress is saved after every step, so an interrupted setup can be resumed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What went wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What to do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry the failed step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip the failed optional step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the setup again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setup log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cop&amp;y the log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the setup log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log (tokens and secrets are never shown):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting up… %1 of %2 steps finished. %3: %4, because %5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting up… %1 of %2 steps finished.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything is set up and checked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything is set up, but a check failed: the next page has the details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The setup stopped. Nothing after the failed step was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleting what this tool created…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything this tool created was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The clean-up stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::AzureAppPage</name>
    <message>
        <source>App name status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Minimal (recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Legacy, as in Kong&apos;s earlier guide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect uses this app&apos;s identity to register developers&apos; applications in your tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Display name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accounts in this organizational directory only (single tenant)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supported account types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kong&apos;s DCR works with single-tenant apps; developers&apos; apps are created in this tenant too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Minimal permissions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Legacy permissions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permissions of the preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client secret lifetime in months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft allows at most 24 months. Put a reminder in your calendar: Konnect stops registering applications when the secret expires.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client secret l&amp;ifetime:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who can sign in:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permissions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for an app with this name…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No app has this name yet: the setup registers it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 apps have this name: choose a name no other app registration uses.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not check the name: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>application permission</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delegated permission</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile name status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Names this setup&apos;s saved progress and keychain entries, so that two customers&apos; setups never share them. Letters, digits, dots, dashes and underscores.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;rofile name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An app with this name exists (client ID %1). If dcr-wizard did not create it, the Review asks before the setup uses it; or choose another name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::CleanupConfirm</name>
    <message>
        <source>Clean up what this tool created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the app registration, its secret, the DCR provider, the auth strategy and the publication that this tool created? Objects it found already existing are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm the clean-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keep them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the clean-up</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::ClientSecretPage</name>
    <message>
        <source>Keychain status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the &amp;keychain again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect&apos;s DCR provider signs in as the app with a client secret. The wizard creates it during the setup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the keychain again</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The secret is valid for %n month(s). Its value goes straight to Konnect&apos;s DCR provider and into the system keychain (service &quot;dcr-wizard&quot;, an entry under &quot;%1/&quot;); dcr-wizard never writes it to a file, a log or a report. Only its ID is remembered, to clean up later.</source>
        <translation>
            <numerusform>The secret is valid for %n month. Its value goes straight to Konnect&apos;s DCR provider and into the system keychain (service &quot;dcr-wizard&quot;, an entry under &quot;%1/&quot;); dcr-wizard never writes it to a file, a log or a report. Only its ID is remembered, to clean up later.</numerusform>
            <numerusform>The secret is valid for %n months. Its value goes straight to Konnect&apos;s DCR provider and into the system keychain (service &quot;dcr-wizard&quot;, an entry under &quot;%1/&quot;); dcr-wizard never writes it to a file, a log or a report. Only its ID is remembered, to clean up later.</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking the keychain…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A keychain is available: the secret will be stored there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keychain did not let the wizard in (%1). Unlock it and check again; otherwise the secret will be shown once for you to copy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer has no keychain. The secret will be shown once, right after it is created, with a Copy button: copy it then, because dcr-wizard stores it nowhere. The clipboard is cleared 60 seconds later.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::ConsentPage</name>
    <message>
        <source>Admin consent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The setup grants these Microsoft Graph permissions to the app for the whole organization. Granting application permissions needs a Global Administrator or a Privileged Role Administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permissions that will be granted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admin consent link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cop&amp;y the link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the admin consent link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If your account cannot grant consent, send this &amp;link to an administrator who can:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permission</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What it allows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Application</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delegated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app does not exist yet: {client-id} is its client ID, which the Summary page shows with the complete link once the app is registered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The link is for the existing app with client ID %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::DynamicsAppPage</name>
    <message>
        <source>App name status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accounts in &amp;any organizational directory (multitenant)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accounts in &amp;this organizational directory only (single tenant)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redirect URI status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment address status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Grant admin consent for all users (no consent prompt at first sign-in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After the setup, &amp;prove it with a test sign-in (device code)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Dynamics 365 client app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registers the app that your client application uses to sign users in and call Dynamics 365 / Dataverse on their behalf. It is a public client: no secret.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Display name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accounts in any organizational directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As the walkthrough recommends: users of other tenants can use your client with their own Dynamics 365.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accounts in this organizational directory only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redirect URI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform &apos;Mobile and desktop applications&apos;: http://localhost, or the custom URI your client uses (for example myapp://auth).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redirect URI:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dynamics 365 environment address (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used in the connection string and for the test sign-in; leave empty if you do not know it yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grant admin consent for all users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prove the app with a test sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox signs its test user in at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Apply page&apos;s log shows a code to enter at microsoft.com/devicelogin as a test user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who can sign in:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API permission:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dynamics CRM — user_impersonation (delegated): access Dynamics 365 as the signed-in user.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::DynamicsSummaryBox</name>
    <message>
        <source>For your client application&apos;s code or app.config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Application (client) ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redirect URI:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authority:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection string:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For the Dataverse SDK (ServiceClient) or XRM tooling (CrmServiceClient); users sign in when it connects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::KonnectPage</name>
    <message>
        <source>Custom Konnect API address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect address problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect token status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;member the token in the keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DCR provider name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DCR provider name problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auth strategy name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auth strategy name problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auth strategy display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display name problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credential claim</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credential claim problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client cre&amp;dentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Beare&amp;r token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sessi&amp;on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auth methods problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kong Konnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DCR provider lets the Dev Portal create developers&apos; apps in your tenant; the auth strategy applies it to the APIs you publish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>United States (us)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Europe (eu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Australia (au)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Middle East (me)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>India (in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Singapore (sg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kpat_… or spat_…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create one in Konnect under your account&apos;s Personal access tokens, or a system account&apos;s token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remember the Konnect token in the keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lets the next start and dcr-wizard --unattended use it without asking.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token claim that names the developer&apos;s app. Azure puts the client ID in appid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client credentials auth method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bearer auth method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session auth method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Derived from the tenant, without a trailing slash: Kong compares it exactly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;gion:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DCR &amp;provider name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auth &amp;strategy name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategy displa&amp;y name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credential c&amp;laim:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auth methods:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Issuer:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(known once you are signed in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the token with Konnect…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Organization: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name at least one claim; for Azure it is appid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Azure puts the client ID in appid; without it Konnect cannot match tokens to apps.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose at least one way developers&apos; apps authenticate.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::PublishPage</name>
    <message>
        <source>&amp;Publish an API on a portal with this auth strategy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Portal status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;load the lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appro&amp;ve developers&apos; registrations automatically</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After the setup, register a &amp;test application through the portal and call the API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish an API (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Developers can register applications for an API once it is published on a portal with the auth strategy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish an API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The APIs of Konnect&apos;s API catalog.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload the portals and APIs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visibility</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Public: anyone can see it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private: only signed-in developers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve registrations automatically</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validate with a test application</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uses the sandbox&apos;s developer account; the test application is deleted again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ortal:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;API:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visibilit&amp;y:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the organization&apos;s portals from Konnect…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The portals could not be read. %1
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This organization has no portal yet: create one in Konnect, then reload the lists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect has no portal named &apos;%1&apos;: choose one from the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the APIs from Konnect&apos;s API catalog…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The APIs could not be read. %1
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect&apos;s API catalog is empty: add the API in Konnect, then reload the lists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect has no API named &apos;%1&apos;: choose one from the list.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::ReviewPage</name>
    <message>
        <source>Planned steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check a&amp;gain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is what the setup will do. Nothing has been changed yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some answers need fixing first (go back):
• %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking at what exists in Microsoft Entra ID and Konnect…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press Apply to make these changes. Every step finds what exists before creating anything, so running the setup again is safe.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2
%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Use the existing objects marked &apos;not created by dcr-wizard&apos; (clean-up never deletes them)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use existing objects not created by dcr-wizard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some objects already exist and were not created by dcr-wizard. The setup will not touch them: allow it to use them below, or go back and choose other names.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::SecretOnceBox</name>
    <message>
        <source>S&amp;how</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;opy the secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;No keychain can keep the client secret.&lt;/b&gt; This is the only time it is shown: copy it now to a password manager if you need it elsewhere. Konnect&apos;s DCR provider already has it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied. The clipboard will be cleared in 60 seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The clipboard was cleared.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::SetupWizard</name>
    <message>
        <source>Kong Konnect DCR setup for Microsoft Entra ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The setup is still running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still running: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress is saved after every finished step. If you close now, the next start offers to resume the setup; a step cut short runs again then and finds what it already made.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the wizard anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keep setting up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the wizard open</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::SignInPage</name>
    <message>
        <source>Tenant problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sign in with the browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with a &amp;device code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sto&amp;p waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Use this token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to Microsoft Entra ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in as an administrator of the tenant where the app will be registered. Your tokens stay in memory and are forgotten when the wizard closes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Azure (global)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Azure Government (US)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Azure operated by 21Vianet (China)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant ID or domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>contoso.onmicrosoft.com or 00000000-0000-0000-0000-000000000000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cloud:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with the browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with a device code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For a computer without a browser: enter a code on another device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop waiting for the sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the sign-in address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No browser opened. Open this address in one:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;opy the code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the device code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Graph access token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>eyJ0eXAiOiJKV1Qi…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with the pasted token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Or paste a Microsoft Graph &amp;access token you already have:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom (from the profile)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting the sandbox…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for you to finish signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in as %1 to the tenant %2 (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt; on any device and enter this code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If no browser window opened, open this address in one:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::SummaryPage</name>
    <message>
        <source>&amp;Export the profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export a &amp;report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean &amp;up everything this created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What exists now. The ids help when you look for these objects in the Azure portal or Konnect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What exists now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Links to what the setup made</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admin consent link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The answers of this setup, without any secret, to run it again or to send to support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export a report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A Markdown report for a ticket: what exists, every step and its outcome. No secrets.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleting what this tool created…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything this tool created was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The clean-up stopped: %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done: your Dev Portal registers applications in Microsoft Entra ID, and a token for the app passed every check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The setup exists, but not every check passed; the report has the details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admin consent link, for an administrator to review or grant it again: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profiles (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done: the app is registered for Dynamics 365 and passed every check. Paste its client ID and redirect URI into your client application.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Made by</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::ValidatePage</name>
    <message>
        <source>Validation checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run the checks again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the token&apos;s c&amp;laims</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The checks ask Entra ID for a token the way Kong will, verify it, and let Konnect test the app&apos;s credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the failed checks again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the validation token&apos;s claims</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token claims</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All checks passed: Konnect can register applications in your tenant, and their tokens are what Kong expects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2
What to do: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The checks did not run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All checks passed: the app registration is as asked%1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, and a user signed in through it got a token for Dynamics 365</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::WelcomePage</name>
    <message>
        <source>&amp;Sandbox (offline demo)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Real Microsoft Entra ID and Kong Konnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sandbox status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open a profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This wizard registers an application in Microsoft Entra ID, grants it the permissions Kong needs, and configures Dynamic Client Registration in your Konnect Dev Portal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sandbox mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything runs against an embedded imitation of Azure and Konnect. Nothing is created in your tenant or organization.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Real services mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signs you in to Microsoft Entra ID and uses your Konnect organization.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fill in the answers from a profile file (JSON, no secrets), e.g. one support sent you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume the interrupted setup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose where the setup runs:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox could not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sandbox is running on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting the sandbox…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Res&amp;ume: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profiles (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened the profile &apos;%1&apos;. The next pages show its answers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This profile cannot be used:
• %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kong Konnect Dev Portal with Dynamic Client Registration in Entra ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dynamics 365 / Dataverse client app (public client that signs users in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set up Kong Konnect DCR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registers the Entra ID app Konnect uses, creates the DCR provider and auth strategy, and publishes an API.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set up a Dynamics 365 client app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registers an app that a desktop or mobile client uses to sign users in and call Dynamics 365 Customer Engagement / Dataverse on their behalf.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose what to set up:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the sign-in and tokens to the profile&apos;s own hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Send my sign-in and Konnect token to the hosts this profile names instead of Microsoft&apos;s and Kong&apos;s: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::ui::WizardPage</name>
    <message>
        <source>Sandbox: nothing is created in your Azure or Konnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sandbox mode notice</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::wizard</name>
    <message>
        <source>Lets Konnect create the app registrations of developers&apos; applications and manage those it owns, and nothing else. This is all that Dynamic Client Registration needs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lets Konnect read every app registration of the tenant. Kong&apos;s earlier guides asked for it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lets Konnect create, change and delete every app registration of the tenant, including ones it did not create. More than DCR needs; choose it only to match an existing setup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lets the app sign users in and read their basic profile. Entra ID adds it to every new app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A Microsoft Graph permission the preset includes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app registration, in the sandbox&apos;s state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app registration in the Azure portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DCR provider, in the sandbox&apos;s state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The DCR provider in Konnect (Application Auth)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The auth strategy, in the sandbox&apos;s state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The auth strategy in Konnect (Application Auth)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Dev Portal, in the sandbox&apos;s state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Dev Portal in Konnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the tenant ID (a GUID) or one of its verified domains.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a complete tenant ID: it has the form 00000000-0000-0000-0000-000000000000.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a tenant ID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 or a domain such as contoso.onmicrosoft.com.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste a Konnect personal access token (kpat_…) or a system account token (spat_…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect tokens start with kpat_ (personal access token) or spat_ (system account token).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This token is incomplete or has characters Konnect tokens never contain; copy it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use at most %1 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter an https:// URL (http:// only to this computer).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft Entra tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — client ID %2, object ID %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service principal (enterprise application)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its value is in the system keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its value was shown once and is stored nowhere by this tool</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key ID %1; %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Konnect organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DCR provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2), issuer %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auth strategy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Published API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2) on the portal %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source># dcr-wizard setup report: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Written %1 by %2 %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>**Sandbox:** nothing was created in a real Azure tenant or Konnect organization.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>## What exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>## Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>| Step | Status | Time | Details |</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>## Profile (no secrets)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the environment&apos;s address, such as https://contoso.crm.dynamics.com, or leave it empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a profile name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use 1 to 64 letters, digits, dots, dashes or underscores.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>created by this setup; clean-up deletes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>existed, not created by dcr-wizard; clean-up keeps it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>switched to this setup&apos;s strategy; clean-up puts the previous publication back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>| What | Details | Made by |</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::wizard::KonnectCheck</name>
    <message>
        <source>Kept the Konnect token in the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not keep the Konnect token in the keychain: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::wizard::PublishLookup</name>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::wizard::RunController</name>
    <message>
        <source>Checking what exists and what the setup would do (nothing is changed).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting up &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retrying the failed steps.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleaning up what this tool created for &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 — %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  What to do: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Detail: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The setup is complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The setup stopped at a failed step.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean-up is complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean-up stopped at a failed step.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::wizard::SignInController</name>
    <message numerus="yes">
        <source>The sign-in was not completed within %n minute(s).</source>
        <translation>
            <numerusform>The sign-in was not completed within %n minute.</numerusform>
            <numerusform>The sign-in was not completed within %n minutes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The sign-in was not completed within %n second(s).</source>
        <translation>
            <numerusform>The sign-in was not completed within %n second.</numerusform>
            <numerusform>The sign-in was not completed within %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <source>The sandbox is still starting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait a moment and sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in to Microsoft Entra ID as %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You signed in to the tenant &apos;%1&apos; (%2), not to &apos;%3&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with an account of &apos;%1&apos;, or change the tenant above.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in failed: %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in again. If no browser opened, copy the sign-in address into one, or use the device code sign-in.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::wizard::StepListModel</name>
    <message numerus="yes">
        <source>retrying in %n s</source>
        <translation>
            <numerusform>retrying in %n s</numerusform>
            <numerusform>retrying in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>adopt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting to repeat a request because %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dcr::wizard::WizardController</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a JSON object: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The saved progress of &apos;%1&apos; cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>A setup of &apos;%1&apos; was interrupted with %n step(s) done (last change %2).</source>
        <translation>
            <numerusform>A setup of &apos;%1&apos; was interrupted with %n step done (last change %2).</numerusform>
            <numerusform>A setup of &apos;%1&apos; was interrupted with %n steps done (last change %2).</numerusform>
        </translation>
    </message>
    <message>
        <source>The saved progress cannot be read (%1); the setup starts over, finding what exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test sign-in: sign in as a test user of the app. %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Sets up a Kong Konnect Dev Portal that registers applications in Microsoft Entra ID through Dynamic Client Registration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run against the embedded offline sandbox.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the profile without a window; progress on stderr, summary on stdout.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile to run (JSON, no secrets).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show what exists and what would be created; change nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue an interrupted run from its saved progress.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print the summary as JSON.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where progress is saved (default: the user&apos;s data folder).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use a dcr-sandbox already running on this machine instead of the embedded one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give up on a request that stays silent this long (default 30).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no dcr-sandbox answers at %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the answer is not a sandbox&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete what this tool created for the profile (with --dry-run: only show what would be deleted and what kept).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use objects that exist but were not created by dcr-wizard (an app, a DCR provider, an auth strategy, a publication with another strategy); clean-up never deletes them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the sign-in and the tokens to the custom hosts a profile names (azure.cloud or konnect.region &quot;custom&quot;).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
