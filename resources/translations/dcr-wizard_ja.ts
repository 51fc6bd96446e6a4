<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>QObject</name>
    <message>
        <source>Done.</source>
        <translation>完了しました。</translation>
    </message>
    <message>
        <source>Nothing is stored in the keychain under this name.</source>
        <translation>この名前ではキーチェーンに何も保存されていません。</translation>
    </message>
    <message>
        <source>The keychain is locked or refused access. Unlock it (or allow dcr-wizard) and try again.</source>
        <translation>キーチェーンがロックされているか、アクセスが拒否されました。キーチェーンのロックを解除する (または dcr-wizard を許可する) してから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>No keychain is available on this system (no Secret Service is running). Copy the secret now and keep it somewhere safe: it will not be shown again.</source>
        <translation>このシステムでは利用できるキーチェーンがありません (Secret Service が動作していません)。シークレットを今コピーして安全な場所に保管してください。二度と表示されません。</translation>
    </message>
    <message>
        <source>The value is larger than %1 bytes, more than every platform&apos;s keychain can hold.</source>
        <translation>値が %1 バイトを超えており、どのプラットフォームのキーチェーンにも保存できません。</translation>
    </message>
    <message>
        <source>The keychain reported an error.</source>
        <translation>キーチェーンがエラーを報告しました。</translation>
    </message>
</context>
<context>
    <name>dcr</name>
    <message>
        <source>%1 did not accept the credentials sent with the request.</source>
        <translation>%1 は、リクエストに付けた資格情報を受け付けませんでした。</translation>
    </message>
    <message>
        <source>Sign in again or enter a new token, then retry.</source>
        <translation>もう一度サインインするか新しいトークンを入力してから、再試行してください。</translation>
    </message>
    <message>
        <source>%1 refused the request: the account is not allowed to do this.</source>
        <translation>%1 がリクエストを拒否しました: このアカウントにはこの操作が許可されていません。</translation>
    </message>
    <message>
        <source>Use an account or token with the permissions this step needs.</source>
        <translation>このステップに必要な権限を持つアカウントまたはトークンを使用してください。</translation>
    </message>
    <message>
        <source>%1 found nothing at the requested address.</source>
        <translation>%1 は、要求されたアドレスに何も見つけられませんでした。</translation>
    </message>
    <message>
        <source>Check the address, the region or cloud in the profile, and that the object still exists.</source>
        <translation>アドレス、プロファイルのリージョンまたはクラウド、そしてオブジェクトがまだ存在することを確認してください。</translation>
    </message>
    <message>
        <source>%1 gave up waiting for the request to arrive (HTTP 408).</source>
        <translation>%1 はリクエストの到着を待ちきれませんでした (HTTP 408)。</translation>
    </message>
    <message>
        <source>Check the network connection and proxy settings, then retry.</source>
        <translation>ネットワーク接続とプロキシ設定を確認してから、再試行してください。</translation>
    </message>
    <message>
        <source>%1 asked to slow down (HTTP 429).</source>
        <translation>%1 からリクエストの頻度を下げるよう求められました (HTTP 429)。</translation>
    </message>
    <message>
        <source>Wait a minute, then retry.</source>
        <translation>1 分ほど待ってから再試行してください。</translation>
    </message>
    <message>
        <source>%1 had a temporary failure (HTTP %2).</source>
        <translation>%1 で一時的な障害が発生しました (HTTP %2)。</translation>
    </message>
    <message>
        <source>Wait a few minutes, then retry; if it persists, check the service&apos;s status page.</source>
        <translation>数分待ってから再試行してください。解決しない場合は、サービスのステータス ページを確認してください。</translation>
    </message>
    <message>
        <source>%1 refused the request with HTTP %2.</source>
        <translation>%1 がリクエストを HTTP %2 で拒否しました。</translation>
    </message>
    <message>
        <source>Check the values in the profile; the log has the service&apos;s answer.</source>
        <translation>プロファイルの値を確認してください。サービスの応答はログにあります。</translation>
    </message>
    <message>
        <source>the connection was refused</source>
        <translation>接続が拒否されました</translation>
    </message>
    <message>
        <source>the server closed the connection without answering</source>
        <translation>サーバーが応答せずに接続を閉じました</translation>
    </message>
    <message>
        <source>the server did not answer in time</source>
        <translation>サーバーが時間内に応答しませんでした</translation>
    </message>
    <message>
        <source>the network connection failed</source>
        <translation>ネットワーク接続に失敗しました</translation>
    </message>
    <message>
        <source>Sign in again, or check that the token was copied whole.</source>
        <translation>もう一度サインインするか、トークンが欠けずにコピーされているか確認してください。</translation>
    </message>
    <message>
        <source>The token is not a JWT: it is %1 bytes long, far more than any access token.</source>
        <translation>このトークンは JWT ではありません: 長さが %1 バイトあり、どのアクセス トークンよりもはるかに長すぎます。</translation>
    </message>
    <message>
        <source>The token is not a JWT: it has %1 part(s) separated by dots, not 3.</source>
        <translation>このトークンは JWT ではありません: ドットで区切られた部分が 3 つではなく %1 個あります。</translation>
    </message>
    <message>
        <source>The token&apos;s header is not valid base64url.</source>
        <translation>トークンのヘッダーが正しい base64url ではありません。</translation>
    </message>
    <message>
        <source>The token&apos;s claims are not valid base64url.</source>
        <translation>トークンのクレームが正しい base64url ではありません。</translation>
    </message>
    <message>
        <source>The token&apos;s header is not a JSON object.</source>
        <translation>トークンのヘッダーが JSON オブジェクトではありません。</translation>
    </message>
    <message>
        <source>The token&apos;s claims are not a JSON object.</source>
        <translation>トークンのクレームが JSON オブジェクトではありません。</translation>
    </message>
    <message>
        <source>The token&apos;s header names no signing algorithm (alg).</source>
        <translation>トークンのヘッダーに署名アルゴリズム (alg) がありません。</translation>
    </message>
    <message>
        <source>The token is signed with &apos;%1&apos;, not RS256.</source>
        <translation>トークンは RS256 ではなく &apos;%1&apos; で署名されています。</translation>
    </message>
    <message>
        <source>The token was signed with a key the tenant does not publish.</source>
        <translation>トークンは、テナントが公開していない鍵で署名されています。</translation>
    </message>
    <message>
        <source>The token&apos;s signature is not valid base64url.</source>
        <translation>トークンの署名が正しい base64url ではありません。</translation>
    </message>
    <message>
        <source>The tenant&apos;s signing key could not be read.</source>
        <translation>テナントの署名鍵を読み取れませんでした。</translation>
    </message>
    <message>
        <source>The token&apos;s signature does not match the tenant&apos;s signing key.</source>
        <translation>トークンの署名がテナントの署名鍵と一致しません。</translation>
    </message>
</context>
<context>
    <name>dcr::EntraSignIn</name>
    <message>
        <source>Not found</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <source>dcr-wizard waits here only for the sign-in&apos;s answer.</source>
        <translation>dcr-wizard はここでサインインの応答だけを待っています。</translation>
    </message>
    <message>
        <source>Already signed in</source>
        <translation>サインイン済み</translation>
    </message>
    <message>
        <source>dcr-wizard already has the answer to this sign-in. You can close this window.</source>
        <translation>dcr-wizard はこのサインインの応答をすでに受け取っています。このウィンドウは閉じてかまいません。</translation>
    </message>
    <message>
        <source>Not this sign-in</source>
        <translation>このサインインの応答ではありません</translation>
    </message>
    <message>
        <source>This answer does not belong to the sign-in dcr-wizard is waiting for (its state does not match), so dcr-wizard ignored it and is still waiting. Finish the sign-in in the window dcr-wizard opened, or start it again from dcr-wizard.</source>
        <translation>この応答は dcr-wizard が待っているサインインのものではないため (state が一致しません)、dcr-wizard はこれを無視して待ち続けています。dcr-wizard が開いたウィンドウでサインインを完了するか、dcr-wizard からやり直してください。</translation>
    </message>
    <message>
        <source>Sign-in not completed</source>
        <translation>サインインは完了しませんでした</translation>
    </message>
    <message>
        <source>Microsoft Entra ID answered: %1 Return to dcr-wizard for what to do.</source>
        <translation>Microsoft Entra ID の応答: %1 対処方法は dcr-wizard に戻って確認してください。</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>サインインしました</translation>
    </message>
    <message>
        <source>You can close this window and return to dcr-wizard.</source>
        <translation>このウィンドウを閉じて dcr-wizard に戻ってください。</translation>
    </message>
    <message>
        <source>No local port is free for the sign-in answer.</source>
        <translation>サインインの応答を受け取るためのローカル ポートに空きがありません。</translation>
    </message>
    <message>
        <source>Use the device code sign-in instead.</source>
        <translation>代わりにデバイス コードでのサインインを使用してください。</translation>
    </message>
    <message>
        <source>Microsoft Entra ID answered without a usable access token.</source>
        <translation>Microsoft Entra ID の応答に、使用できるアクセス トークンが含まれていませんでした。</translation>
    </message>
    <message>
        <source>Try signing in again; if it keeps happening, use the device code sign-in.</source>
        <translation>もう一度サインインしてください。繰り返し発生する場合は、デバイス コードでのサインインを使用してください。</translation>
    </message>
    <message>
        <source>The device code expired before the sign-in was completed.</source>
        <translation>サインインが完了する前にデバイス コードの有効期限が切れました。</translation>
    </message>
    <message>
        <source>Start the sign-in again and enter the new code within 15 minutes.</source>
        <translation>もう一度サインインを開始し、15 分以内に新しいコードを入力してください。</translation>
    </message>
    <message>
        <source>What was pasted is not an access token (a JWT has three parts separated by dots).</source>
        <translation>貼り付けられた内容はアクセス トークンではありません (JWT はドットで区切られた 3 つの部分から成ります)。</translation>
    </message>
    <message>
        <source>Copy the whole access token, for example from `az account get-access-token --resource https://graph.microsoft.com`.</source>
        <translation>アクセス トークン全体をコピーしてください。たとえば `az account get-access-token --resource https://graph.microsoft.com` の出力からコピーできます。</translation>
    </message>
    <message>
        <source>The access token has expired.</source>
        <translation>アクセス トークンの有効期限が切れています。</translation>
    </message>
    <message>
        <source>Get a fresh token and paste it again.</source>
        <translation>新しいトークンを取得して、もう一度貼り付けてください。</translation>
    </message>
    <message>
        <source>There is no refresh token to renew the sign-in with.</source>
        <translation>サインインを更新するためのリフレッシュ トークンがありません。</translation>
    </message>
    <message>
        <source>Sign in again.</source>
        <translation>もう一度サインインしてください。</translation>
    </message>
</context>
<context>
    <name>dcr::Error</name>
    <message>
        <source>Entra ID refused the client secret: it is not a valid secret value of this app, most often because the secret ID was entered instead of the secret&apos;s value.</source>
        <translation>Entra ID がクライアント シークレットを拒否しました: このアプリの有効なシークレット値ではありません。多くの場合、シークレットの値ではなくシークレット ID が入力されたことが原因です。</translation>
    </message>
    <message>
        <source>Enter the secret&apos;s Value (shown only once, when the secret is created), not its Secret ID; if the secret was created moments ago, wait a minute and retry.</source>
        <translation>シークレット ID ではなく、シークレットの「値」(作成時に一度だけ表示されます) を入力してください。シークレットを作成した直後であれば、1 分ほど待ってから再試行してください。</translation>
    </message>
    <message>
        <source>The app&apos;s client secret has expired.</source>
        <translation>アプリのクライアント シークレットの有効期限が切れています。</translation>
    </message>
    <message>
        <source>Create a new client secret for the app and use its value.</source>
        <translation>アプリの新しいクライアント シークレットを作成し、その値を使用してください。</translation>
    </message>
    <message>
        <source>Entra ID found no application with this client ID in this tenant: the tenant or client ID is wrong, or a new app has not replicated yet.</source>
        <translation>Entra ID は、このテナントでこのクライアント ID を持つアプリケーションを見つけられませんでした: テナントかクライアント ID が間違っているか、新しいアプリがまだレプリケートされていません。</translation>
    </message>
    <message>
        <source>Check the tenant and the application (client) ID; if the app was created moments ago, wait a minute and retry.</source>
        <translation>テナントとアプリケーション (クライアント) ID を確認してください。アプリを作成した直後であれば、1 分ほど待ってから再試行してください。</translation>
    </message>
    <message>
        <source>The app has not been granted consent for the permissions it asks for.</source>
        <translation>アプリが要求するアクセス許可に対して、同意が付与されていません。</translation>
    </message>
    <message>
        <source>Have an administrator grant admin consent for the app&apos;s API permissions, then retry.</source>
        <translation>管理者にアプリの API アクセス許可への管理者の同意を付与してもらい、再試行してください。</translation>
    </message>
    <message>
        <source>This sign-in client may not ask for Microsoft Graph permissions dynamically (the Azure CLI client, for one, refuses).</source>
        <translation>このサインイン クライアントは、Microsoft Graph のアクセス許可を動的に要求できません (たとえば Azure CLI のクライアントは拒否します)。</translation>
    </message>
    <message>
        <source>Use Microsoft Graph Command Line Tools (14d82eec-204b-4c2f-b7e8-296a70dab67e) as the sign-in client ID.</source>
        <translation>サインイン クライアント ID として Microsoft Graph Command Line Tools (14d82eec-204b-4c2f-b7e8-296a70dab67e) を使用してください。</translation>
    </message>
    <message>
        <source>The user declined the consent prompt, so no token was issued.</source>
        <translation>ユーザーが同意のプロンプトを拒否したため、トークンは発行されませんでした。</translation>
    </message>
    <message>
        <source>Sign in again and accept the requested permissions, or ask an administrator to grant consent for the organization.</source>
        <translation>もう一度サインインして要求されたアクセス許可に同意するか、管理者に組織全体の同意を付与してもらってください。</translation>
    </message>
    <message>
        <source>Entra ID does not know this tenant.</source>
        <translation>Entra ID はこのテナントを認識していません。</translation>
    </message>
    <message>
        <source>Check the tenant ID or domain (for example contoso.onmicrosoft.com) and the Azure cloud chosen in the profile.</source>
        <translation>テナント ID またはドメイン (たとえば contoso.onmicrosoft.com) と、プロファイルで選択した Azure クラウドを確認してください。</translation>
    </message>
    <message>
        <source>The tenant requires multi-factor authentication for this sign-in.</source>
        <translation>このテナントでは、このサインインに多要素認証が必要です。</translation>
    </message>
    <message>
        <source>Sign in with the browser and complete the multi-factor prompt.</source>
        <translation>ブラウザーでサインインし、多要素認証のプロンプトを完了してください。</translation>
    </message>
    <message>
        <source>The account must register for multi-factor authentication before it can sign in.</source>
        <translation>このアカウントは、サインインする前に多要素認証の登録が必要です。</translation>
    </message>
    <message>
        <source>Register multi-factor authentication for the account (https://aka.ms/mfasetup), then sign in with the browser.</source>
        <translation>アカウントの多要素認証を登録してから (https://aka.ms/mfasetup)、ブラウザーでサインインしてください。</translation>
    </message>
    <message>
        <source>A Conditional Access policy of the tenant blocked this sign-in (device code sign-in is often blocked).</source>
        <translation>テナントの条件付きアクセス ポリシーにより、このサインインはブロックされました (デバイス コードでのサインインはよくブロックされます)。</translation>
    </message>
    <message>
        <source>Sign in with the browser instead of a device code, or ask the tenant&apos;s administrator which policy applies.</source>
        <translation>デバイス コードではなくブラウザーでサインインするか、どのポリシーが適用されているかテナントの管理者に確認してください。</translation>
    </message>
    <message>
        <source>The redirect URI of the sign-in does not match any redirect URI registered for the sign-in client.</source>
        <translation>サインインのリダイレクト URI が、サインイン クライアントに登録されたどのリダイレクト URI とも一致しません。</translation>
    </message>
    <message>
        <source>Register http://localhost as a Mobile and desktop redirect URI of the sign-in client, or use the default Microsoft Graph Command Line Tools client.</source>
        <translation>サインイン クライアントに http://localhost を「モバイル アプリケーションとデスクトップ アプリケーション」のリダイレクト URI として登録するか、既定の Microsoft Graph Command Line Tools クライアントを使用してください。</translation>
    </message>
    <message>
        <source>The resource the token is asked for has no service principal in this tenant.</source>
        <translation>トークンを要求しているリソースには、このテナントにサービス プリンシパルがありません。</translation>
    </message>
    <message>
        <source>Check the resource or scope, and have an administrator add the resource to the tenant by consenting to it.</source>
        <translation>リソースまたはスコープを確認し、管理者にリソースへの同意を行ってテナントに追加してもらってください。</translation>
    </message>
    <message>
        <source>The sign-in client is not a public client, so Entra ID asks for a secret or assertion it cannot send.</source>
        <translation>サインイン クライアントがパブリック クライアントではないため、Entra ID は送信できないシークレットまたはアサーションを要求しています。</translation>
    </message>
    <message>
        <source>Turn on &apos;Allow public client flows&apos; for the sign-in client, or use the default Microsoft Graph Command Line Tools client.</source>
        <translation>サインイン クライアントで「パブリック クライアント フローを許可する」をオンにするか、既定の Microsoft Graph Command Line Tools クライアントを使用してください。</translation>
    </message>
    <message>
        <source>The token endpoint was called with GET, but it accepts only POST.</source>
        <translation>トークン エンドポイントが GET で呼び出されましたが、POST しか受け付けません。</translation>
    </message>
    <message>
        <source>Send the token request as POST with a form body (curl --request POST --data …).</source>
        <translation>トークン リクエストはフォーム本文付きの POST で送信してください (curl --request POST --data …)。</translation>
    </message>
    <message>
        <source>The sign-in on the device code page is not finished yet.</source>
        <translation>デバイス コードのページでのサインインがまだ完了していません。</translation>
    </message>
    <message>
        <source>Finish the sign-in in the browser; the wizard keeps waiting.</source>
        <translation>ブラウザーでサインインを完了してください。ウィザードはそのまま待機します。</translation>
    </message>
    <message>
        <source>Entra ID asked to check on the device code sign-in less often.</source>
        <translation>Entra ID から、デバイス コード サインインの確認頻度を下げるよう求められました。</translation>
    </message>
    <message>
        <source>Nothing to do: the wizard waits longer between checks.</source>
        <translation>対応は不要です: ウィザードが確認の間隔を広げます。</translation>
    </message>
    <message>
        <source>The sign-in was declined on the device code page.</source>
        <translation>デバイス コードのページでサインインが拒否されました。</translation>
    </message>
    <message>
        <source>Start the sign-in again and approve it in the browser.</source>
        <translation>もう一度サインインを開始し、ブラウザーで承認してください。</translation>
    </message>
    <message>
        <source>The device code expired before the sign-in was completed (codes are valid for 15 minutes).</source>
        <translation>サインインが完了する前にデバイス コードの有効期限が切れました (コードの有効期間は 15 分です)。</translation>
    </message>
    <message>
        <source>Start the device code sign-in again and enter the new code promptly.</source>
        <translation>もう一度デバイス コード サインインを開始し、新しいコードをすぐに入力してください。</translation>
    </message>
    <message>
        <source>Entra ID did not recognise the device code.</source>
        <translation>Entra ID はデバイス コードを認識しませんでした。</translation>
    </message>
    <message>
        <source>Start the device code sign-in again.</source>
        <translation>もう一度デバイス コード サインインを開始してください。</translation>
    </message>
    <message>
        <source>Entra ID did not accept the client&apos;s credentials.</source>
        <translation>Entra ID はクライアントの資格情報を受け付けませんでした。</translation>
    </message>
    <message>
        <source>Check the application (client) ID and the client secret&apos;s value.</source>
        <translation>アプリケーション (クライアント) ID とクライアント シークレットの値を確認してください。</translation>
    </message>
    <message>
        <source>The sign-in grant (authorization code or refresh token) is invalid, expired or was already used.</source>
        <translation>サインインのグラント (認可コードまたはリフレッシュ トークン) が無効か、期限切れか、使用済みです。</translation>
    </message>
    <message>
        <source>Sign in again.</source>
        <translation>もう一度サインインしてください。</translation>
    </message>
    <message>
        <source>Entra ID refused the requested scopes or resource.</source>
        <translation>Entra ID は要求されたスコープまたはリソースを拒否しました。</translation>
    </message>
    <message>
        <source>Check the scopes or resource, and the Azure cloud chosen in the profile.</source>
        <translation>スコープまたはリソースと、プロファイルで選択した Azure クラウドを確認してください。</translation>
    </message>
    <message>
        <source>This client is not allowed to use this kind of sign-in.</source>
        <translation>このクライアントには、この種類のサインインが許可されていません。</translation>
    </message>
    <message>
        <source>Use the default Microsoft Graph Command Line Tools client, or another sign-in method.</source>
        <translation>既定の Microsoft Graph Command Line Tools クライアントか、別のサインイン方法を使用してください。</translation>
    </message>
    <message>
        <source>Entra ID needs the user to sign in interactively (consent, multi-factor authentication or a policy).</source>
        <translation>Entra ID は、ユーザーによる対話型のサインイン (同意、多要素認証、またはポリシー) を必要としています。</translation>
    </message>
    <message>
        <source>Sign in with the browser.</source>
        <translation>ブラウザーでサインインしてください。</translation>
    </message>
    <message>
        <source>Consent is needed before Entra ID issues this token.</source>
        <translation>Entra ID がこのトークンを発行するには同意が必要です。</translation>
    </message>
    <message>
        <source>Sign in with the browser and accept the requested permissions, or ask an administrator to grant consent.</source>
        <translation>ブラウザーでサインインして要求されたアクセス許可に同意するか、管理者に同意を付与してもらってください。</translation>
    </message>
    <message>
        <source>The sign-in was cancelled or denied.</source>
        <translation>サインインがキャンセルまたは拒否されました。</translation>
    </message>
    <message>
        <source>Start the sign-in again and approve it.</source>
        <translation>もう一度サインインを開始して承認してください。</translation>
    </message>
    <message>
        <source>Entra ID is temporarily unable to issue tokens.</source>
        <translation>Entra ID は一時的にトークンを発行できません。</translation>
    </message>
    <message>
        <source>Wait a minute, then retry.</source>
        <translation>1 分ほど待ってから再試行してください。</translation>
    </message>
    <message>
        <source>Entra ID rejected the token request as incomplete or malformed.</source>
        <translation>Entra ID は、トークン リクエストが不完全または不正な形式であるとして拒否しました。</translation>
    </message>
    <message>
        <source>Check the tenant, the client ID and the Azure cloud in the profile; the log has Entra ID&apos;s answer with its trace ID.</source>
        <translation>プロファイルのテナント、クライアント ID、Azure クラウドを確認してください。Entra ID の応答とトレース ID はログにあります。</translation>
    </message>
    <message>
        <source>Microsoft Graph denied the request: the signed-in account lacks the privileges (a directory role), or the token the permission, for this operation.</source>
        <translation>Microsoft Graph がリクエストを拒否しました: この操作には、サインインしたアカウントの特権 (ディレクトリ ロール) か、トークンのアクセス許可が不足しています。</translation>
    </message>
    <message>
        <source>Sign in as an Application Administrator or Cloud Application Administrator (a Privileged Role Administrator or Global Administrator to grant admin consent) and accept the requested permissions.</source>
        <translation>アプリケーション管理者またはクラウド アプリケーション管理者 (管理者の同意を付与するには特権ロール管理者またはグローバル管理者) としてサインインし、要求されたアクセス許可に同意してください。</translation>
    </message>
    <message>
        <source>Microsoft Graph found no such directory object: it was deleted, or it was created moments ago and has not replicated yet.</source>
        <translation>Microsoft Graph はそのディレクトリ オブジェクトを見つけられませんでした: 削除されたか、作成直後でまだレプリケートされていません。</translation>
    </message>
    <message>
        <source>If it was just created, wait a minute and retry; otherwise run the setup again to recreate it.</source>
        <translation>作成した直後であれば 1 分ほど待ってから再試行してください。そうでなければ、セットアップをもう一度実行して作成し直してください。</translation>
    </message>
    <message>
        <source>Another change to the same directory object was being made at the same time.</source>
        <translation>同じディレクトリ オブジェクトに対して、別の変更が同時に行われていました。</translation>
    </message>
    <message>
        <source>Retry in a few seconds.</source>
        <translation>数秒後に再試行してください。</translation>
    </message>
    <message>
        <source>Microsoft Graph did not accept the access token: it expired, or it was issued for another tenant, cloud or resource.</source>
        <translation>Microsoft Graph はアクセス トークンを受け付けませんでした: 期限切れか、別のテナント、クラウド、またはリソース用に発行されたものです。</translation>
    </message>
    <message>
        <source>Sign in again to the tenant being set up.</source>
        <translation>セットアップするテナントにもう一度サインインしてください。</translation>
    </message>
    <message>
        <source>Microsoft Graph could not find the identity of the calling application in this tenant.</source>
        <translation>Microsoft Graph は、呼び出し元アプリケーションの ID をこのテナントで見つけられませんでした。</translation>
    </message>
    <message>
        <source>Check that you signed in to the right tenant, and that the sign-in client has been consented to in it.</source>
        <translation>正しいテナントにサインインしたこと、そしてそのテナントでサインイン クライアントへの同意が済んでいることを確認してください。</translation>
    </message>
    <message>
        <source>An object with the same unique value (name or identifier) already exists in the directory.</source>
        <translation>同じ一意の値 (名前または識別子) を持つオブジェクトが、ディレクトリに既に存在します。</translation>
    </message>
    <message>
        <source>Choose another value, or let the wizard adopt the existing object.</source>
        <translation>別の値を選ぶか、既存のオブジェクトをウィザードに採用させてください。</translation>
    </message>
    <message>
        <source>Microsoft Graph rejected the request as invalid.</source>
        <translation>Microsoft Graph は、リクエストが無効であるとして拒否しました。</translation>
    </message>
    <message>
        <source>Check the values in the profile; the log has Graph&apos;s message.</source>
        <translation>プロファイルの値を確認してください。Graph のメッセージはログにあります。</translation>
    </message>
    <message>
        <source>The new application has not replicated in Entra ID yet, so its service principal cannot be created.</source>
        <translation>新しいアプリケーションが Entra ID でまだレプリケートされていないため、そのサービス プリンシパルを作成できません。</translation>
    </message>
    <message>
        <source>Wait a minute and retry; replication usually completes within a few minutes.</source>
        <translation>1 分ほど待ってから再試行してください。レプリケーションは通常数分以内に完了します。</translation>
    </message>
    <message>
        <source>Entra ID has not finished replicating a newly created object, so it cannot be used yet.</source>
        <translation>新しく作成したオブジェクトのレプリケーションが Entra ID でまだ完了していないため、まだ使用できません。</translation>
    </message>
    <message>
        <source>Microsoft Graph is throttling requests from this tenant or app.</source>
        <translation>Microsoft Graph が、このテナントまたはアプリからのリクエストを制限しています。</translation>
    </message>
    <message>
        <source>Wait a few minutes, then retry.</source>
        <translation>数分待ってから再試行してください。</translation>
    </message>
    <message>
        <source>Entra ID refused the token request (%1).</source>
        <translation>Entra ID がトークン リクエストを拒否しました (%1)。</translation>
    </message>
    <message>
        <source>Entra ID refused the token request (AADSTS%1).</source>
        <translation>Entra ID がトークン リクエストを拒否しました (AADSTS%1)。</translation>
    </message>
    <message>
        <source>Look up the code at https://login.microsoftonline.com/error; the log has Entra ID&apos;s answer with its trace ID.</source>
        <translation>コードを https://login.microsoftonline.com/error で調べてください。Entra ID の応答とトレース ID はログにあります。</translation>
    </message>
    <message>
        <source>Microsoft Graph rejected the request: %1</source>
        <translation>Microsoft Graph がリクエストを拒否しました: %1</translation>
    </message>
    <message>
        <source>Microsoft Graph refused the request (%1): %2</source>
        <translation>Microsoft Graph がリクエストを拒否しました (%1): %2</translation>
    </message>
    <message>
        <source>Konnect refused these fields: %1.</source>
        <translation>Konnect は次のフィールドを受け付けませんでした: %1。</translation>
    </message>
    <message>
        <source>Correct the named fields in the profile or on the wizard&apos;s page, then retry.</source>
        <translation>指摘されたフィールドをプロファイルまたはウィザードのページで修正してから、再試行してください。</translation>
    </message>
    <message>
        <source>Konnect rejected the request as invalid.</source>
        <translation>Konnect は、リクエストが無効であるとして拒否しました。</translation>
    </message>
    <message>
        <source>Konnect rejected the request: %1</source>
        <translation>Konnect がリクエストを拒否しました: %1</translation>
    </message>
    <message>
        <source>Check the values in the profile; the log has Konnect&apos;s answer.</source>
        <translation>プロファイルの値を確認してください。Konnect の応答はログにあります。</translation>
    </message>
    <message>
        <source>Konnect did not accept the access token: it is mistyped, expired or revoked.</source>
        <translation>Konnect はアクセス トークンを受け付けませんでした: 入力ミスか、期限切れか、失効しています。</translation>
    </message>
    <message>
        <source>Create a personal access token (kpat_…) or a system account token (spat_…) in Konnect and enter it again.</source>
        <translation>Konnect で個人アクセス トークン (kpat_…) またはシステム アカウント トークン (spat_…) を作成し、もう一度入力してください。</translation>
    </message>
    <message>
        <source>Konnect accepted the token, but its user or system account is not allowed to do this.</source>
        <translation>Konnect はトークンを受け付けましたが、そのユーザーまたはシステム アカウントにはこの操作が許可されていません。</translation>
    </message>
    <message>
        <source>Use the token of an Organization Admin, or give the account roles for Dev Portals, APIs and application auth strategies.</source>
        <translation>組織管理者 (Organization Admin) のトークンを使用するか、アカウントに Dev Portal、API、アプリケーション認証戦略のロールを付与してください。</translation>
    </message>
    <message>
        <source>Konnect has no such object in this region.</source>
        <translation>このリージョンの Konnect にそのオブジェクトはありません。</translation>
    </message>
    <message>
        <source>Check the Konnect region in the profile and that the object was not deleted.</source>
        <translation>プロファイルの Konnect リージョンと、オブジェクトが削除されていないことを確認してください。</translation>
    </message>
    <message>
        <source>Konnect reported a conflict: the name is taken or the object is still in use.</source>
        <translation>Konnect が競合を報告しました: 名前が使用済みか、オブジェクトがまだ使用中です。</translation>
    </message>
    <message>
        <source>Konnect reported a conflict: %1</source>
        <translation>Konnect が競合を報告しました: %1</translation>
    </message>
    <message>
        <source>Choose another name or adopt the existing object; to delete, first remove what still uses it.</source>
        <translation>別の名前を選ぶか、既存のオブジェクトを採用してください。削除するには、まずそれを使用しているものを取り除いてください。</translation>
    </message>
    <message>
        <source>Konnect&apos;s API rate limit was exceeded.</source>
        <translation>Konnect の API レート制限を超えました。</translation>
    </message>
    <message>
        <source>Konnect refused the request with HTTP %1: %2</source>
        <translation>Konnect がリクエストを HTTP %1 で拒否しました: %2</translation>
    </message>
    <message>
        <source>The server</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <source>The connection was refused: nothing is listening at that address.</source>
        <translation>接続が拒否されました: そのアドレスで待ち受けているものがありません。</translation>
    </message>
    <message>
        <source>Check the address and that the service (or the sandbox) is running.</source>
        <translation>アドレスと、サービス (またはサンドボックス) が動作していることを確認してください。</translation>
    </message>
    <message>
        <source>The server closed the connection without answering.</source>
        <translation>サーバーが応答せずに接続を閉じました。</translation>
    </message>
    <message>
        <source>Retry in a moment; if it keeps happening, check for a proxy or firewall in between.</source>
        <translation>少し待ってから再試行してください。繰り返し発生する場合は、途中にプロキシやファイアウォールがないか確認してください。</translation>
    </message>
    <message>
        <source>The server&apos;s name could not be resolved.</source>
        <translation>サーバーの名前を解決できませんでした。</translation>
    </message>
    <message>
        <source>Check the address, the region or cloud in the profile, and this computer&apos;s network connection.</source>
        <translation>アドレス、プロファイルのリージョンまたはクラウド、このコンピューターのネットワーク接続を確認してください。</translation>
    </message>
    <message>
        <source>The server did not answer in time.</source>
        <translation>サーバーが時間内に応答しませんでした。</translation>
    </message>
    <message>
        <source>Check the network connection and proxy settings, then retry.</source>
        <translation>ネットワーク接続とプロキシ設定を確認してから、再試行してください。</translation>
    </message>
    <message>
        <source>The secure connection failed: the server&apos;s certificate is not trusted or the TLS handshake failed.</source>
        <translation>セキュリティで保護された接続に失敗しました: サーバーの証明書が信頼されていないか、TLS ハンドシェイクに失敗しました。</translation>
    </message>
    <message>
        <source>Check the system clock and CA certificates; behind a TLS-inspecting proxy, install its CA certificate in the system store.</source>
        <translation>システムの時計と CA 証明書を確認してください。TLS を検査するプロキシを経由している場合は、その CA 証明書をシステムのストアにインストールしてください。</translation>
    </message>
    <message>
        <source>The network connection was lost.</source>
        <translation>ネットワーク接続が失われました。</translation>
    </message>
    <message>
        <source>Reconnect to the network, then retry.</source>
        <translation>ネットワークに接続し直してから、再試行してください。</translation>
    </message>
    <message>
        <source>The proxy asks for credentials that were not given.</source>
        <translation>プロキシが、指定されていない資格情報を要求しています。</translation>
    </message>
    <message>
        <source>Put the proxy&apos;s credentials in the proxy settings (for example https_proxy=http://user:password@host:port).</source>
        <translation>プロキシの資格情報をプロキシ設定に含めてください (たとえば https_proxy=http://user:password@host:port)。</translation>
    </message>
    <message>
        <source>The proxy server could not be reached or refused the connection.</source>
        <translation>プロキシ サーバーに到達できないか、接続が拒否されました。</translation>
    </message>
    <message>
        <source>Check the proxy settings (https_proxy and no_proxy, or the desktop&apos;s proxy settings).</source>
        <translation>プロキシ設定 (https_proxy と no_proxy、またはデスクトップのプロキシ設定) を確認してください。</translation>
    </message>
    <message>
        <source>The server redirected too often or to an insecure address.</source>
        <translation>サーバーのリダイレクトが多すぎるか、安全でないアドレスへのリダイレクトでした。</translation>
    </message>
    <message>
        <source>Check the address in the profile; it may point to a login page or an old host.</source>
        <translation>プロファイルのアドレスを確認してください。ログイン ページや古いホストを指している可能性があります。</translation>
    </message>
    <message>
        <source>The request failed before the server answered.</source>
        <translation>サーバーが応答する前にリクエストが失敗しました。</translation>
    </message>
    <message>
        <source>Refused to send a request to %1: only https:// addresses are allowed.</source>
        <translation>%1 へのリクエストの送信を拒否しました: https:// のアドレスのみ使用できます。</translation>
    </message>
    <message>
        <source>an empty address</source>
        <translation>空のアドレス</translation>
    </message>
    <message>
        <source>Use an https:// address; plain http:// is accepted only for this computer (127.0.0.1, ::1, localhost).</source>
        <translation>https:// のアドレスを使用してください。http:// はこのコンピューター (127.0.0.1、::1、localhost) に対してのみ使用できます。</translation>
    </message>
    <message>
        <source>Refused the secure connection to %1: its certificate is not trusted (%2).</source>
        <translation>%1 への安全な接続を拒否しました: 証明書が信頼されていません (%2)。</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>理由は示されていません</translation>
    </message>
    <message>
        <source>If a TLS-inspecting proxy or a private certificate authority is in between, install its CA certificate in the system&apos;s store (update-ca-certificates); otherwise check the address and the system clock.</source>
        <translation>途中に TLS を検査するプロキシやプライベート認証局がある場合は、その CA 証明書をシステムのストアにインストールしてください (update-ca-certificates)。そうでなければ、アドレスとシステムの時計を確認してください。</translation>
    </message>
    <message>
        <source>The connection closed before the service answered, so it may have done what was asked.</source>
        <translation>サービスが応答する前に接続が閉じられました。要求された処理は実行済みの可能性があります。</translation>
    </message>
    <message>
        <source>Retry: the setup first looks for what already exists, so nothing is made twice.</source>
        <translation>再試行してください。セットアップはまず既存のものを探すため、二重に作成されることはありません。</translation>
    </message>
</context>
<context>
    <name>dcr::HttpAttempt</name>
    <message>
        <source>no answer (%1)</source>
        <translation>応答なし (%1)</translation>
    </message>
    <message>
        <source>%1 %2 → %3 in %4 ms (attempt %5)</source>
        <translation>%1 %2 → %3 (%4 ms、%5 回目)</translation>
    </message>
    <message>
        <source>; retrying in %1 s because %2</source>
        <translation>。%1 秒後に再試行します。理由: %2</translation>
    </message>
</context>
<context>
    <name>dcr::HttpClient</name>
    <message>
        <source>refused to forward the request&apos;s credentials to %1</source>
        <translation>リクエストの資格情報を %1 へ転送することを拒否しました</translation>
    </message>
    <message>
        <source>nothing received for %1 s</source>
        <translation>%1 秒間何も受信しませんでした</translation>
    </message>
</context>
<context>
    <name>dcr::KonnectClient</name>
    <message>
        <source>An API can be published with at most one application auth strategy, but %1 were given.</source>
        <translation>API を公開する際に指定できるアプリケーション認証戦略は 1 つまでですが、%1 個指定されました。</translation>
    </message>
    <message>
        <source>Choose one auth strategy for the publication.</source>
        <translation>公開に使用する認証戦略を 1 つ選んでください。</translation>
    </message>
</context>
<context>
    <name>dcr::PortalClient</name>
    <message>
        <source>The portal accepted the developer&apos;s sign-in but sent no session cookie (%1).</source>
        <translation>ポータルは開発者のサインインを受け付けましたが、セッション Cookie を送ってきませんでした (%1)。</translation>
    </message>
</context>
<context>
    <name>dcr::RetryPolicy</name>
    <message>
        <source>Entra ID is still replicating the new object (HTTP %1)</source>
        <translation>Entra ID が新しいオブジェクトをまだレプリケートしています (HTTP %1)</translation>
    </message>
    <message>
        <source>the service is throttling requests and said when to come back (HTTP 429, Retry-After)</source>
        <translation>サービスがリクエストを制限しており、再開の時刻を指定しました (HTTP 429、Retry-After)</translation>
    </message>
    <message>
        <source>the service is throttling requests (HTTP 429)</source>
        <translation>サービスがリクエストを制限しています (HTTP 429)</translation>
    </message>
    <message>
        <source>the service is temporarily unavailable and said when to come back (HTTP 503, Retry-After)</source>
        <translation>サービスが一時的に利用できず、再開の時刻を指定しました (HTTP 503、Retry-After)</translation>
    </message>
    <message>
        <source>the service is temporarily unavailable (HTTP 503)</source>
        <translation>サービスが一時的に利用できません (HTTP 503)</translation>
    </message>
    <message>
        <source>the service had a temporary failure (HTTP %1)</source>
        <translation>サービスで一時的な障害が発生しました (HTTP %1)</translation>
    </message>
</context>
<context>
    <name>dcr::TokenClient</name>
    <message>
        <source>The tenant&apos;s signing key list (jwks_uri) holds no keys.</source>
        <translation>テナントの署名キー一覧 (jwks_uri) にキーがありません。</translation>
    </message>
    <message>
        <source>Try again in a moment; if it stays empty, check the sign-in address of the cloud in the profile.</source>
        <translation>しばらくしてからもう一度お試しください。空のままの場合は、プロファイルのクラウドのサインイン アドレスを確認してください。</translation>
    </message>
    <message>
        <source>The token&apos;s start time (nbf) is not a number.</source>
        <translation>トークンの開始時刻 (nbf) が数値ではありません。</translation>
    </message>
    <message>
        <source>The token is not valid yet: its start time (nbf) is %1 minutes ahead of this computer&apos;s clock.</source>
        <translation>トークンはまだ有効ではありません。開始時刻 (nbf) がこのコンピューターの時計より %1 分先です。</translation>
    </message>
    <message>
        <source>The token is for &apos;%1&apos; (aud), not for %2, which it was asked for.</source>
        <translation>トークンの対象 (aud) は &apos;%1&apos; で、要求した %2 ではありません。</translation>
    </message>
    <message>
        <source>The token endpoint answered without an access token.</source>
        <translation>トークン エンドポイントの応答にアクセス トークンが含まれていませんでした。</translation>
    </message>
    <message>
        <source>The tenant&apos;s discovery document names no signing keys.</source>
        <translation>テナントの検出ドキュメントに署名鍵が記載されていません。</translation>
    </message>
    <message>
        <source>Check the sign-in address of the cloud in the profile.</source>
        <translation>プロファイルで選択したクラウドのサインイン アドレスを確認してください。</translation>
    </message>
    <message>
        <source>The token has no expiry time (exp) as a number.</source>
        <translation>トークンに数値の有効期限 (exp) がありません。</translation>
    </message>
    <message>
        <source>The token has expired.</source>
        <translation>トークンの有効期限が切れています。</translation>
    </message>
    <message>
        <source>The token is a v2 token: the app (as a resource) asks for v2 tokens through requestedAccessTokenVersion, and Kong&apos;s Azure DCR accepts v1 tokens only.</source>
        <translation>このトークンは v2 トークンです: アプリ (リソースとして) が requestedAccessTokenVersion で v2 トークンを要求していますが、Kong の Azure DCR は v1 トークンしか受け付けません。</translation>
    </message>
    <message>
        <source>The token&apos;s version is &apos;%1&apos;, not 1.0.</source>
        <translation>トークンのバージョンが 1.0 ではなく &apos;%1&apos; です。</translation>
    </message>
    <message>
        <source>The token&apos;s issuer lacks the trailing slash v1 tokens have (%1/).</source>
        <translation>トークンの発行者 (issuer) に、v1 トークンにあるはずの末尾のスラッシュがありません (%1/)。</translation>
    </message>
    <message>
        <source>The token&apos;s issuer is %1, not %2/.</source>
        <translation>トークンの発行者 (issuer) が %2/ ではなく %1 です。</translation>
    </message>
    <message>
        <source>The token&apos;s appid is &apos;%1&apos;, not the app&apos;s client ID %2.</source>
        <translation>トークンの appid が、アプリのクライアント ID %2 ではなく &apos;%1&apos; です。</translation>
    </message>
</context>
<context>
    <name>dcr::Unattended</name>
    <message>
        <source>Test sign-in: sign in as a test user of the app. %1</source>
        <translation>テスト サインイン: アプリのテスト ユーザーとしてサインインしてください。%1</translation>
    </message>
    <message>
        <source>Nothing to clean up: no saved progress for the profile &apos;%1&apos; (%2).</source>
        <translation>クリーンアップするものはありません: プロファイル &apos;%1&apos; の保存された進行状況がありません (%2)。</translation>
    </message>
    <message>
        <source>The Konnect token does not look like a personal (kpat_…) or system account (spat_…) token.</source>
        <translation>Konnect トークンが、個人アクセス トークン (kpat_…) やシステム アカウント トークン (spat_…) の形式ではありません。</translation>
    </message>
    <message>
        <source>Create a token in Konnect under Personal access tokens or System accounts.</source>
        <translation>Konnect の「Personal access tokens」または「System accounts」でトークンを作成してください。</translation>
    </message>
    <message>
        <source>No Konnect token was given.</source>
        <translation>Konnect トークンが指定されていません。</translation>
    </message>
    <message>
        <source>Set DCR_WIZARD_KONNECT_TOKEN, pipe the token on standard input, or store it in the keychain from the wizard. Tokens are never taken from the command line.</source>
        <translation>DCR_WIZARD_KONNECT_TOKEN を設定するか、トークンを標準入力に渡すか、ウィザードからキーチェーンに保存してください。トークンをコマンド ラインから受け取ることはありません。</translation>
    </message>
    <message>
        <source>Signed in to Microsoft Entra ID as %1.</source>
        <translation>%1 として Microsoft Entra ID にサインインしました。</translation>
    </message>
    <message>
        <source>the administrator</source>
        <translation>管理者</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>エラー: %1</translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation>対処方法: %1</translation>
    </message>
    <message>
        <source>For the client application&apos;s code or app.config:</source>
        <translation>クライアント アプリケーションのコードまたは app.config 用:</translation>
    </message>
    <message>
        <source>  Application (client) ID: %1</source>
        <translation>  アプリケーション (クライアント) ID: %1</translation>
    </message>
    <message>
        <source>  Redirect URI:            %1</source>
        <translation>  リダイレクト URI:                   %1</translation>
    </message>
    <message>
        <source>  Authority:               %1</source>
        <translation>  機関 (Authority):                   %1</translation>
    </message>
    <message>
        <source>  Connection string:       %1</source>
        <translation>  接続文字列:                         %1</translation>
    </message>
    <message>
        <source>Setup of &apos;%1&apos; finished in %2 s:</source>
        <translation>&apos;%1&apos; のセットアップが %2 秒で完了しました:</translation>
    </message>
    <message>
        <source>Setup of &apos;%1&apos; stopped:</source>
        <translation>&apos;%1&apos; のセットアップが停止しました:</translation>
    </message>
    <message>
        <source>No keychain is available. The client secret, shown this once (copy it now): %1</source>
        <translation>利用できるキーチェーンがありません。クライアント シークレットを今回だけ表示します (今すぐコピーしてください): %1</translation>
    </message>
    <message>
        <source>No keychain is available and the output is not a terminal, so the client secret is not shown; Konnect&apos;s DCR provider has it. Create a new one in the Azure portal if you need it elsewhere.</source>
        <translation>利用できるキーチェーンがなく、出力先が端末ではないため、クライアント シークレットは表示しません。シークレットは Konnect の DCR プロバイダーが保持しています。ほかで必要な場合は、Azure portal で新しいシークレットを作成してください。</translation>
    </message>
    <message>
        <source>The profile names its own hosts instead of Microsoft&apos;s and Kong&apos;s: sign-in %1, Microsoft Graph %2, Konnect %3. Nothing was sent to them.</source>
        <translation>プロファイルでは、Microsoft と Kong のホストではなく独自のホストが指定されています: サインイン %1、Microsoft Graph %2、Konnect %3。これらのホストには何も送信していません。</translation>
    </message>
    <message>
        <source>If you trust these hosts with your sign-in and Konnect token, run again with --allow-custom-endpoints; otherwise use a profile with a named cloud and region.</source>
        <translation>これらのホストにサインインと Konnect トークンを渡してもよい場合は、--allow-custom-endpoints を付けて再実行してください。そうでなければ、名前付きのクラウドとリージョンを指定したプロファイルを使用してください。</translation>
    </message>
    <message>
        <source>Give this profile&apos;s own --state-file, or remove the file if it is of no use any more.</source>
        <translation>このプロファイル専用の --state-file を指定するか、不要になったファイルであれば削除してください。</translation>
    </message>
    <message>
        <source>Clean-up of &apos;%1&apos; (%2):</source>
        <translation>&apos;%1&apos; のクリーンアップ (%2):</translation>
    </message>
    <message>
        <source>  Nothing recorded; objects carrying this setup&apos;s tag (from a run cut short) are looked for and deleted.</source>
        <translation>  記録はありません。このセットアップのタグが付いたオブジェクト (途中で中断された実行によるもの) を探して削除します。</translation>
    </message>
    <message>
        <source>  The keychain copy of each client secret it deletes goes with it.</source>
        <translation>  削除する各クライアント シークレットは、キーチェーン内のコピーも一緒に削除します。</translation>
    </message>
</context>
<context>
    <name>dcr::clients</name>
    <message>
        <source>%1 answered HTTP %2, but not with what was asked for.</source>
        <translation>%1 は HTTP %2 で応答しましたが、要求した内容ではありませんでした。</translation>
    </message>
    <message>
        <source>Check that the address in the profile points at %1 itself, not a proxy or login page; the log has the answer.</source>
        <translation>プロファイルのアドレスが、プロキシやログイン ページではなく %1 そのものを指していることを確認してください。応答はログにあります。</translation>
    </message>
</context>
<context>
    <name>dcr::engine</name>
    <message>
        <source>This tenant has no Dynamics CRM service principal (AADSTS500011: the resource principal 00000007-0000-0000-c000-000000000000 was not found), so it has no Dynamics 365 or Dataverse environment to call.</source>
        <translation>このテナントには Dynamics CRM のサービス プリンシパルがないため (AADSTS500011: リソース プリンシパル 00000007-0000-0000-c000-000000000000 が見つかりません)、呼び出せる Dynamics 365 や Dataverse の環境がありません。</translation>
    </message>
    <message>
        <source>Sign in to the tenant that holds your Dynamics 365 or Power Platform environment, or create an environment there first (https://admin.powerplatform.microsoft.com).</source>
        <translation>Dynamics 365 または Power Platform の環境があるテナントにサインインするか、先にそのテナントで環境を作成してください (https://admin.powerplatform.microsoft.com)。</translation>
    </message>
    <message>
        <source>accounts in this organization only</source>
        <translation>この組織ディレクトリのみに含まれるアカウント</translation>
    </message>
    <message>
        <source>accounts in any organizational directory</source>
        <translation>任意の組織ディレクトリ内のアカウント</translation>
    </message>
    <message>
        <source>supported account types</source>
        <translation>サポートされているアカウントの種類</translation>
    </message>
    <message>
        <source>redirect URI</source>
        <translation>リダイレクト URI</translation>
    </message>
    <message>
        <source>public client flows</source>
        <translation>パブリック クライアント フロー</translation>
    </message>
    <message>
        <source>Dynamics CRM permission</source>
        <translation>Dynamics CRM のアクセス許可</translation>
    </message>
    <message>
        <source>You are signed in to the tenant &apos;%1&apos; (%2), not to &apos;%3&apos;.</source>
        <translation>サインインしているのは &apos;%3&apos; ではなく、テナント &apos;%1&apos; (%2) です。</translation>
    </message>
    <message>
        <source>Sign in with an account of the tenant the profile names, or change the tenant.</source>
        <translation>プロファイルで指定したテナントのアカウントでサインインするか、テナントを変更してください。</translation>
    </message>
    <message>
        <source>Signed in to the tenant &apos;%1&apos; (%2).</source>
        <translation>テナント &apos;%1&apos; (%2) にサインインしています。</translation>
    </message>
    <message>
        <source>Found Dynamics CRM&apos;s delegated permission user_impersonation (%1).</source>
        <translation>Dynamics CRM の委任されたアクセス許可 user_impersonation (%1) が見つかりました。</translation>
    </message>
    <message>
        <source>Dynamics CRM in this tenant does not offer the delegated permission user_impersonation.</source>
        <translation>このテナントの Dynamics CRM は、委任されたアクセス許可 user_impersonation を提供していません。</translation>
    </message>
    <message>
        <source>Ask a Global Administrator to check the Dynamics CRM enterprise application of the tenant.</source>
        <translation>グローバル管理者に、テナントの Dynamics CRM エンタープライズ アプリケーションを確認してもらってください。</translation>
    </message>
    <message>
        <source>%1 app registrations are named &apos;%2&apos;.</source>
        <translation>&apos;%2&apos; という名前のアプリの登録が %1 件あります。</translation>
    </message>
    <message>
        <source>Give the app a name no other registration uses, or delete the extra ones.</source>
        <translation>ほかの登録が使っていない名前をアプリに付けるか、余分な登録を削除してください。</translation>
    </message>
    <message>
        <source>Would register the public client app &apos;%1&apos; (%2) with the redirect URI %3.</source>
        <translation>パブリック クライアント アプリ &apos;%1&apos; (%2) を、リダイレクト URI %3 で登録します。</translation>
    </message>
    <message>
        <source>Registered the app &apos;%1&apos; (client ID %2).</source>
        <translation>アプリ &apos;%1&apos; を登録しました (クライアント ID %2)。</translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; already exists as asked (client ID %2).</source>
        <translation>アプリ &apos;%1&apos; は指定どおりに既に存在します (クライアント ID %2)。</translation>
    </message>
    <message>
        <source>Would correct the app &apos;%1&apos;: %2.</source>
        <translation>アプリ &apos;%1&apos; を修正します: %2。</translation>
    </message>
    <message>
        <source>Corrected the app &apos;%1&apos;: %2.</source>
        <translation>アプリ &apos;%1&apos; を修正しました: %2。</translation>
    </message>
    <message>
        <source>Would create the app&apos;s service principal.</source>
        <translation>アプリのサービス プリンシパルを作成します。</translation>
    </message>
    <message>
        <source>The app&apos;s service principal exists.</source>
        <translation>アプリのサービス プリンシパルは存在します。</translation>
    </message>
    <message>
        <source>Created the app&apos;s service principal.</source>
        <translation>アプリのサービス プリンシパルを作成しました。</translation>
    </message>
    <message>
        <source>Deleted the app&apos;s service principal.</source>
        <translation>アプリのサービス プリンシパルを削除しました。</translation>
    </message>
    <message>
        <source>Admin consent was not asked for: each user consents at their first sign-in.</source>
        <translation>管理者の同意は要求されていません: 各ユーザーが最初のサインイン時に同意します。</translation>
    </message>
    <message>
        <source>Would grant admin consent for Dynamics CRM user_impersonation for all users.</source>
        <translation>Dynamics CRM の user_impersonation に対する管理者の同意を、すべてのユーザーについて付与します。</translation>
    </message>
    <message>
        <source>Admin consent for Dynamics CRM user_impersonation is in place.</source>
        <translation>Dynamics CRM の user_impersonation に対する管理者の同意は付与済みです。</translation>
    </message>
    <message>
        <source>Would add user_impersonation to the existing Dynamics CRM consent.</source>
        <translation>既存の Dynamics CRM の同意に user_impersonation を追加します。</translation>
    </message>
    <message>
        <source>Added user_impersonation to the Dynamics CRM admin consent.</source>
        <translation>Dynamics CRM の管理者の同意に user_impersonation を追加しました。</translation>
    </message>
    <message>
        <source>Granted admin consent for Dynamics CRM user_impersonation for all users.</source>
        <translation>Dynamics CRM の user_impersonation に対する管理者の同意を、すべてのユーザーについて付与しました。</translation>
    </message>
    <message>
        <source>The app registration is not as asked: %1.</source>
        <translation>アプリの登録が指定どおりではありません: %1。</translation>
    </message>
    <message>
        <source>Run the setup again: it corrects the registration; or fix it in the Azure portal.</source>
        <translation>セットアップをもう一度実行すると登録が修正されます。または Azure portal で修正してください。</translation>
    </message>
    <message>
        <source>Entra ID does not find the app with client ID %1 any more.</source>
        <translation>Entra ID で、クライアント ID %1 のアプリが見つからなくなりました。</translation>
    </message>
    <message>
        <source>Run the setup again: it registers the app anew.</source>
        <translation>セットアップをもう一度実行すると、アプリが新しく登録されます。</translation>
    </message>
    <message>
        <source>its supported account types are %1 instead of %2</source>
        <translation>サポートされているアカウントの種類が %2 ではなく %1 です</translation>
    </message>
    <message>
        <source>the mobile and desktop redirect URI %1 is missing</source>
        <translation>モバイルとデスクトップのリダイレクト URI %1 がありません</translation>
    </message>
    <message>
        <source>&apos;Allow public client flows&apos; is off</source>
        <translation>「パブリック クライアント フローを許可する」がオフです</translation>
    </message>
    <message>
        <source>the Dynamics CRM permission user_impersonation is missing</source>
        <translation>Dynamics CRM のアクセス許可 user_impersonation がありません</translation>
    </message>
    <message>
        <source>The app exists with %1, the redirect URI %2, public client flows on and Dynamics CRM user_impersonation</source>
        <translation>アプリは %1、リダイレクト URI %2、パブリック クライアント フローがオン、Dynamics CRM の user_impersonation 付きで存在します</translation>
    </message>
    <message>
        <source>admin consent for user_impersonation is missing</source>
        <translation>user_impersonation に対する管理者の同意がありません</translation>
    </message>
    <message>
        <source>, consented for all users.</source>
        <translation>。すべてのユーザーについて同意済みです。</translation>
    </message>
    <message>
        <source>Its signature does not verify against the tenant&apos;s keys.</source>
        <translation>署名がテナントの鍵で検証できません。</translation>
    </message>
    <message>
        <source>Its audience is %1, not %2.</source>
        <translation>対象ユーザー (audience) が %2 ではなく %1 です。</translation>
    </message>
    <message>
        <source>It does not carry the user_impersonation permission.</source>
        <translation>user_impersonation のアクセス許可が含まれていません。</translation>
    </message>
    <message>
        <source>The test sign-in got a token that Dynamics 365 would refuse: %1</source>
        <translation>テスト サインインで取得したトークンは、Dynamics 365 に拒否されるものでした: %1</translation>
    </message>
    <message>
        <source>Check the app&apos;s API permissions in the Azure portal and grant admin consent again.</source>
        <translation>Azure portal でアプリの API のアクセス許可を確認し、管理者の同意をもう一度付与してください。</translation>
    </message>
    <message>
        <source>%1 signed in through the app with a device code and got a token for %2 with user_impersonation.</source>
        <translation>%1 がデバイス コードでアプリを通じてサインインし、user_impersonation 付きの %2 用トークンを取得しました。</translation>
    </message>
    <message>
        <source>The test sign-in through the app failed: %1</source>
        <translation>アプリを通じたテスト サインインに失敗しました: %1</translation>
    </message>
    <message>
        <source>The test sign-in was not asked for.</source>
        <translation>テスト サインインは要求されていません。</translation>
    </message>
    <message>
        <source>Skipped the test sign-in: it needs a person to enter a device code, and this run has no one to show it to.</source>
        <translation>テスト サインインを省略しました: デバイス コードを入力する人が必要ですが、この実行にはそれを表示する相手がいません。</translation>
    </message>
    <message>
        <source>Check the Microsoft Entra tenant</source>
        <translation>Microsoft Entra テナントを確認する</translation>
    </message>
    <message>
        <source>Reads the tenant you signed in to and checks it is the one the profile names.</source>
        <translation>サインインしたテナントを読み取り、プロファイルで指定したテナントであることを確認します。</translation>
    </message>
    <message>
        <source>Find Dynamics CRM in the tenant</source>
        <translation>テナントで Dynamics CRM を見つける</translation>
    </message>
    <message>
        <source>Finds the tenant&apos;s Dynamics CRM service principal and the id of its delegated permission user_impersonation.</source>
        <translation>テナントの Dynamics CRM サービス プリンシパルと、その委任されたアクセス許可 user_impersonation の ID を見つけます。</translation>
    </message>
    <message>
        <source>Register the client application</source>
        <translation>クライアント アプリケーションを登録する</translation>
    </message>
    <message>
        <source>Finds or creates the app registration: supported account types, the mobile and desktop redirect URI, &apos;Allow public client flows&apos; on, and the Dynamics CRM permission user_impersonation.</source>
        <translation>アプリの登録を検索または作成します: サポートされているアカウントの種類、モバイルとデスクトップのリダイレクト URI、「パブリック クライアント フローを許可する」のオン、Dynamics CRM のアクセス許可 user_impersonation。</translation>
    </message>
    <message>
        <source>Create the app&apos;s service principal</source>
        <translation>アプリのサービス プリンシパルを作成する</translation>
    </message>
    <message>
        <source>The enterprise application that admin consent is granted to.</source>
        <translation>管理者の同意の付与先となるエンタープライズ アプリケーションです。</translation>
    </message>
    <message>
        <source>Grant admin consent</source>
        <translation>管理者の同意を付与する</translation>
    </message>
    <message>
        <source>Grants Dynamics CRM user_impersonation for all users of the organization, so that nobody sees a consent prompt.</source>
        <translation>組織のすべてのユーザーに Dynamics CRM の user_impersonation を付与し、誰にも同意のプロンプトが表示されないようにします。</translation>
    </message>
    <message>
        <source>Check the registration</source>
        <translation>登録を確認する</translation>
    </message>
    <message>
        <source>Reads the app back from Microsoft Graph and checks each property.</source>
        <translation>Microsoft Graph からアプリを読み直し、各プロパティを確認します。</translation>
    </message>
    <message>
        <source>Would read the app back and check its properties.</source>
        <translation>アプリを読み直してプロパティを確認します。</translation>
    </message>
    <message>
        <source>Sign in through the app</source>
        <translation>アプリを通じてサインインする</translation>
    </message>
    <message>
        <source>Signs a user in through the new app with a device code and checks the token is for Dynamics 365 with user_impersonation.</source>
        <translation>新しいアプリを通じてユーザーをデバイス コードでサインインさせ、トークンが user_impersonation 付きの Dynamics 365 用であることを確認します。</translation>
    </message>
    <message>
        <source>Would sign in through the app with a device code.</source>
        <translation>アプリを通じてデバイス コードでサインインします。</translation>
    </message>
    <message>
        <source>The app&apos;s client secret is neither in this session nor in the keychain.</source>
        <translation>アプリのクライアント シークレットが、このセッションにもキーチェーンにもありません。</translation>
    </message>
    <message>
        <source>Run the setup again from the start after cleaning up (--cleanup), or create a new client secret in the Azure portal and enter it in Konnect&apos;s DCR provider.</source>
        <translation>クリーンアップ (--cleanup) してから最初からセットアップを実行し直すか、Azure portal で新しいクライアント シークレットを作成して Konnect の DCR プロバイダーに入力してください。</translation>
    </message>
    <message>
        <source>This tenant has no service principal for Microsoft Graph.</source>
        <translation>このテナントには Microsoft Graph のサービス プリンシパルがありません。</translation>
    </message>
    <message>
        <source>Ask a Global Administrator to check the tenant; every tenant normally has it.</source>
        <translation>グローバル管理者にテナントを確認してもらってください。通常はどのテナントにも存在します。</translation>
    </message>
    <message>
        <source>Microsoft Graph in this tenant does not offer the permission %1.</source>
        <translation>このテナントの Microsoft Graph は、アクセス許可 %1 を提供していません。</translation>
    </message>
    <message>
        <source>Choose another permission preset.</source>
        <translation>別のアクセス許可のプリセットを選んでください。</translation>
    </message>
    <message>
        <source>Found Microsoft Graph&apos;s permissions in the tenant.</source>
        <translation>テナントで Microsoft Graph のアクセス許可が見つかりました。</translation>
    </message>
    <message>
        <source>Would register the app &apos;%1&apos; (this organization only).</source>
        <translation>アプリ &apos;%1&apos; を登録します (この組織のみ)。</translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; already exists with the right permissions.</source>
        <translation>アプリ &apos;%1&apos; は正しいアクセス許可付きで既に存在します。</translation>
    </message>
    <message>
        <source>Would add the missing Microsoft Graph permissions to &apos;%1&apos;.</source>
        <translation>&apos;%1&apos; に不足している Microsoft Graph のアクセス許可を追加します。</translation>
    </message>
    <message>
        <source>Added the missing Microsoft Graph permissions to &apos;%1&apos;.</source>
        <translation>&apos;%1&apos; に不足している Microsoft Graph のアクセス許可を追加しました。</translation>
    </message>
    <message numerus="yes">
        <source>Granted admin consent for %n application permission(s).</source>
        <translation>
            <numerusform>%n 個のアプリケーションのアクセス許可に管理者の同意を付与しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Would grant admin consent for the application permissions.</source>
        <translation>アプリケーションのアクセス許可に管理者の同意を付与します。</translation>
    </message>
    <message>
        <source>Admin consent for the application permissions is in place.</source>
        <translation>アプリケーションのアクセス許可に対する管理者の同意は付与済みです。</translation>
    </message>
    <message numerus="yes">
        <source>Would grant admin consent for %n application permission(s).</source>
        <translation>
            <numerusform>%n 個のアプリケーションのアクセス許可に管理者の同意を付与します。</numerusform>
        </translation>
    </message>
    <message>
        <source>Would grant admin consent for %1.</source>
        <translation>%1 に対する管理者の同意を付与します。</translation>
    </message>
    <message>
        <source>Admin consent for %1 is in place.</source>
        <translation>%1 に対する管理者の同意は付与済みです。</translation>
    </message>
    <message>
        <source>Would add %1 to the existing consent.</source>
        <translation>既存の同意に %1 を追加します。</translation>
    </message>
    <message>
        <source>Added %1 to the admin consent.</source>
        <translation>管理者の同意に %1 を追加しました。</translation>
    </message>
    <message>
        <source>Granted admin consent for %1.</source>
        <translation>%1 に対する管理者の同意を付与しました。</translation>
    </message>
    <message>
        <source>Created a client secret (valid until %1) and stored it in the keychain.</source>
        <translation>クライアント シークレットを作成し (有効期限 %1)、キーチェーンに保存しました。</translation>
    </message>
    <message>
        <source>Created a client secret (valid until %1), but it could not be stored: %2</source>
        <translation>クライアント シークレットを作成しましたが (有効期限 %1)、保存できませんでした: %2</translation>
    </message>
    <message>
        <source>Would create a client secret and store it in the keychain.</source>
        <translation>クライアント シークレットを作成し、キーチェーンに保存します。</translation>
    </message>
    <message>
        <source>Using the app&apos;s client secret from the keychain.</source>
        <translation>キーチェーンにあるアプリのクライアント シークレットを使用します。</translation>
    </message>
    <message>
        <source>Unlock the keychain and retry.</source>
        <translation>キーチェーンのロックを解除してから再試行してください。</translation>
    </message>
    <message>
        <source>Connected to the Konnect organization &apos;%1&apos;.</source>
        <translation>Konnect の組織 &apos;%1&apos; に接続しました。</translation>
    </message>
    <message>
        <source>A DCR provider named &apos;%1&apos; exists for %2, not Azure.</source>
        <translation>&apos;%1&apos; という名前の DCR プロバイダーが、Azure ではなく %2 用として存在します。</translation>
    </message>
    <message>
        <source>Choose another DCR provider name in the profile.</source>
        <translation>プロファイルで別の DCR プロバイダー名を選んでください。</translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos; already uses this app.</source>
        <translation>DCR プロバイダー &apos;%1&apos; は既にこのアプリを使用しています。</translation>
    </message>
    <message>
        <source>Would point the DCR provider &apos;%1&apos; at this app.</source>
        <translation>DCR プロバイダー &apos;%1&apos; がこのアプリを使うように変更します。</translation>
    </message>
    <message>
        <source>Would create the DCR provider &apos;%1&apos; (issuer %2).</source>
        <translation>DCR プロバイダー &apos;%1&apos; を作成します (発行者 %2)。</translation>
    </message>
    <message>
        <source>Gave the DCR provider &apos;%1&apos; the app&apos;s new credentials.</source>
        <translation>DCR プロバイダー &apos;%1&apos; にアプリの新しい資格情報を設定しました。</translation>
    </message>
    <message>
        <source>Created the DCR provider &apos;%1&apos; (issuer %2).</source>
        <translation>DCR プロバイダー &apos;%1&apos; を作成しました (発行者 %2)。</translation>
    </message>
    <message>
        <source>Konnect checked the initial client credentials against Entra ID.</source>
        <translation>Konnect が初期クライアントの資格情報を Entra ID で確認しました。</translation>
    </message>
    <message>
        <source>Konnect could not use the app&apos;s credentials: %1</source>
        <translation>Konnect はアプリの資格情報を使用できませんでした: %1</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>理由は示されていません</translation>
    </message>
    <message>
        <source>Check that admin consent for Application.ReadWrite.OwnedBy is granted and that Konnect has the secret&apos;s value (not its ID); brand-new credentials can take a few minutes to work, so retry later.</source>
        <translation>Application.ReadWrite.OwnedBy に対する管理者の同意が付与されていること、そして Konnect にシークレットの (ID ではなく) 値が設定されていることを確認してください。作成したばかりの資格情報は使えるようになるまで数分かかることがあるため、少し後で再試行してください。</translation>
    </message>
    <message>
        <source>An auth strategy named &apos;%1&apos; exists but uses another DCR provider.</source>
        <translation>&apos;%1&apos; という名前の認証戦略が存在しますが、別の DCR プロバイダーを使用しています。</translation>
    </message>
    <message>
        <source>Choose another auth strategy name in the profile.</source>
        <translation>プロファイルで別の認証戦略名を選んでください。</translation>
    </message>
    <message>
        <source>The auth strategy &apos;%1&apos; already exists.</source>
        <translation>認証戦略 &apos;%1&apos; は既に存在します。</translation>
    </message>
    <message>
        <source>Would create the auth strategy &apos;%1&apos;.</source>
        <translation>認証戦略 &apos;%1&apos; を作成します。</translation>
    </message>
    <message>
        <source>Created the auth strategy &apos;%1&apos;.</source>
        <translation>認証戦略 &apos;%1&apos; を作成しました。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is already published on &apos;%2&apos; with this strategy.</source>
        <translation>&apos;%1&apos; は既にこの戦略で &apos;%2&apos; に公開されています。</translation>
    </message>
    <message>
        <source>Would publish &apos;%1&apos; on &apos;%2&apos; with the auth strategy.</source>
        <translation>&apos;%1&apos; を認証戦略付きで &apos;%2&apos; に公開します。</translation>
    </message>
    <message>
        <source>Published &apos;%1&apos; on &apos;%2&apos; with the auth strategy.</source>
        <translation>&apos;%1&apos; を認証戦略付きで &apos;%2&apos; に公開しました。</translation>
    </message>
    <message>
        <source>Publishing an API was not asked for.</source>
        <translation>API の公開は要求されていません。</translation>
    </message>
    <message>
        <source>Konnect has no API named &apos;%1&apos;.</source>
        <translation>Konnect に &apos;%1&apos; という名前の API はありません。</translation>
    </message>
    <message>
        <source>Create the API in Konnect first, or correct the API name.</source>
        <translation>先に Konnect で API を作成するか、API 名を修正してください。</translation>
    </message>
    <message>
        <source>Konnect has no portal named &apos;%1&apos;.</source>
        <translation>Konnect に &apos;%1&apos; という名前のポータルはありません。</translation>
    </message>
    <message>
        <source>The organization has %1 portals.</source>
        <translation>組織には %1 個のポータルがあります。</translation>
    </message>
    <message>
        <source>Name the portal to publish on in the profile (publish.portal_name).</source>
        <translation>公開先のポータルをプロファイルで指定してください (publish.portal_name)。</translation>
    </message>
    <message>
        <source>Kong&apos;s Azure DCR accepts v1 tokens only: leave the app&apos;s requestedAccessTokenVersion empty (or 1) in its manifest.</source>
        <translation>Kong の Azure DCR は v1 トークンしか受け付けません: アプリのマニフェストで requestedAccessTokenVersion を空 (または 1) のままにしてください。</translation>
    </message>
    <message>
        <source>Got a v1 token for the app: signature, issuer (%1/), version 1.0 and appid match.</source>
        <translation>アプリの v1 トークンを取得しました: 署名、発行者 (%1/)、バージョン 1.0、appid がすべて一致しています。</translation>
    </message>
    <message>
        <source>a bearer token</source>
        <translation>ベアラー トークン</translation>
    </message>
    <message>
        <source>Basic client ID and secret</source>
        <translation>Basic 認証のクライアント ID とシークレット</translation>
    </message>
    <message>
        <source>no credentials</source>
        <translation>資格情報なし</translation>
    </message>
    <message>
        <source>The gateway answered %1 to a request with %2 at %3.</source>
        <translation>ゲートウェイは、%2 付きの %3 へのリクエストに %1 を返しました。</translation>
    </message>
    <message>
        <source>Check that the route belongs to the published API and that its OpenID Connect plugin uses the issuer https://sts.windows.net/&lt;tenant&gt;/ and the credential claim appid.</source>
        <translation>ルートが公開済みの API に属していること、そしてその OpenID Connect プラグインが発行者 https://sts.windows.net/&lt;tenant&gt;/ とクレデンシャル クレーム appid を使用していることを確認してください。</translation>
    </message>
    <message>
        <source>The route is not protected: apply the auth strategy to it.</source>
        <translation>ルートが保護されていません: 認証戦略を適用してください。</translation>
    </message>
    <message>
        <source>The DCR round trip was not asked for.</source>
        <translation>DCR のラウンドトリップは要求されていません。</translation>
    </message>
    <message>
        <source>Skipped the DCR round trip: it needs a published API and a developer account of the portal.</source>
        <translation>DCR のラウンドトリップを省略しました: 公開済みの API とポータルの開発者アカウントが必要です。</translation>
    </message>
    <message>
        <source>A developer app created through the portal got client ID %1 from Entra ID and a valid v1 token</source>
        <translation>ポータルから作成した開発者アプリが、Entra ID からクライアント ID %1 と有効な v1 トークンを取得しました</translation>
    </message>
    <message>
        <source>; the gateway accepted it and refused a request without credentials.</source>
        <translation>。ゲートウェイはそれを受け付け、資格情報のないリクエストは拒否しました。</translation>
    </message>
    <message>
        <source>Look up Microsoft Graph&apos;s permissions</source>
        <translation>Microsoft Graph のアクセス許可を調べる</translation>
    </message>
    <message>
        <source>Finds the ids of the permissions the app needs in the tenant&apos;s Microsoft Graph.</source>
        <translation>テナントの Microsoft Graph で、アプリに必要なアクセス許可の ID を見つけます。</translation>
    </message>
    <message>
        <source>Register the application</source>
        <translation>アプリケーションを登録する</translation>
    </message>
    <message>
        <source>Finds or creates the app registration (accounts in this organization only) with the Microsoft Graph permissions.</source>
        <translation>アプリの登録 (この組織ディレクトリのアカウントのみ) を、Microsoft Graph のアクセス許可付きで検索または作成します。</translation>
    </message>
    <message>
        <source>Grant admin consent (application permissions)</source>
        <translation>管理者の同意を付与する (アプリケーションのアクセス許可)</translation>
    </message>
    <message>
        <source>Assigns the Microsoft Graph application permissions, such as Application.ReadWrite.OwnedBy.</source>
        <translation>Application.ReadWrite.OwnedBy などの Microsoft Graph のアプリケーションのアクセス許可を割り当てます。</translation>
    </message>
    <message>
        <source>Grant admin consent (delegated permissions)</source>
        <translation>管理者の同意を付与する (委任されたアクセス許可)</translation>
    </message>
    <message>
        <source>Grants User.Read for all users of the organization.</source>
        <translation>組織のすべてのユーザーに User.Read を付与します。</translation>
    </message>
    <message>
        <source>Create the client secret</source>
        <translation>クライアント シークレットを作成する</translation>
    </message>
    <message>
        <source>Creates a client secret and keeps its value only in the system keychain.</source>
        <translation>クライアント シークレットを作成し、その値はシステムのキーチェーンにのみ保管します。</translation>
    </message>
    <message>
        <source>Check the Konnect token</source>
        <translation>Konnect トークンを確認する</translation>
    </message>
    <message>
        <source>Checks the Konnect token and reads the organization&apos;s name.</source>
        <translation>Konnect トークンを確認し、組織の名前を読み取ります。</translation>
    </message>
    <message>
        <source>Create the DCR provider</source>
        <translation>DCR プロバイダーを作成する</translation>
    </message>
    <message>
        <source>Creates the Azure DCR provider with the issuer https://sts.windows.net/&lt;tenant&gt; (no trailing slash) and the app&apos;s client ID and secret.</source>
        <translation>発行者 https://sts.windows.net/&lt;tenant&gt; (末尾のスラッシュなし) と、アプリのクライアント ID およびシークレットで Azure の DCR プロバイダーを作成します。</translation>
    </message>
    <message>
        <source>Verify the DCR provider</source>
        <translation>DCR プロバイダーを検証する</translation>
    </message>
    <message>
        <source>Asks Konnect to check the initial client credentials against Entra ID.</source>
        <translation>初期クライアントの資格情報を Entra ID で確認するよう Konnect に依頼します。</translation>
    </message>
    <message>
        <source>Would ask Konnect to verify the credentials.</source>
        <translation>資格情報の検証を Konnect に依頼します。</translation>
    </message>
    <message>
        <source>Create the auth strategy</source>
        <translation>認証戦略を作成する</translation>
    </message>
    <message>
        <source>Creates the OpenID Connect auth strategy with the credential claim appid.</source>
        <translation>クレデンシャル クレーム appid を使う OpenID Connect の認証戦略を作成します。</translation>
    </message>
    <message>
        <source>Publish the API</source>
        <translation>API を公開する</translation>
    </message>
    <message>
        <source>Publishes the API on the portal with the auth strategy.</source>
        <translation>認証戦略付きで API をポータルに公開します。</translation>
    </message>
    <message>
        <source>Request a token</source>
        <translation>トークンを要求する</translation>
    </message>
    <message>
        <source>Gets a v1 token for the app with its client secret and checks it as Kong will.</source>
        <translation>クライアント シークレットでアプリの v1 トークンを取得し、Kong と同じ方法で確認します。</translation>
    </message>
    <message>
        <source>Would request and check a v1 token.</source>
        <translation>v1 トークンを要求して確認します。</translation>
    </message>
    <message>
        <source>Register a test application through the portal</source>
        <translation>ポータルからテスト アプリケーションを登録する</translation>
    </message>
    <message>
        <source>Creates a developer application with the strategy, gets its token, calls the gateway, and deletes it.</source>
        <translation>この戦略で開発者アプリケーションを作成してトークンを取得し、ゲートウェイを呼び出してから削除します。</translation>
    </message>
    <message>
        <source>Would register and delete a test application.</source>
        <translation>テスト アプリケーションを登録してから削除します。</translation>
    </message>
    <message>
        <source>Found the app &apos;%1&apos; that this setup registered before it was interrupted.</source>
        <translation>中断される前にこのセットアップが登録したアプリ &apos;%1&apos; が見つかりました。</translation>
    </message>
    <message>
        <source>Found the DCR provider &apos;%1&apos; that this setup created before it was interrupted.</source>
        <translation>中断される前にこのセットアップが作成した DCR プロバイダー &apos;%1&apos; が見つかりました。</translation>
    </message>
    <message>
        <source>Found the auth strategy &apos;%1&apos; that this setup created before it was interrupted.</source>
        <translation>中断される前にこのセットアップが作成した認証戦略 &apos;%1&apos; が見つかりました。</translation>
    </message>
    <message>
        <source>Nothing of this setup&apos;s was left here.</source>
        <translation>このセットアップのものは、ここには何も残っていませんでした。</translation>
    </message>
    <message>
        <source>The saved progress belongs to the tenant %1, but you are signed in to %2 (%3).</source>
        <translation>保存された進行状況はテナント %1 のものですが、サインインしているのは %2 (%3) です。</translation>
    </message>
    <message>
        <source>Use the saved progress of this tenant (another --state-file), or sign in to the tenant it belongs to.</source>
        <translation>このテナントの保存された進行状況を使用するか (別の --state-file)、進行状況が属するテナントにサインインしてください。</translation>
    </message>
    <message>
        <source>exists, not created by dcr-wizard: will be used</source>
        <translation>存在しますが、dcr-wizard が作成したものではありません: 使用します</translation>
    </message>
    <message>
        <source>exists, not created by dcr-wizard: will be left alone, and the run stops here unless you allow using it</source>
        <translation>存在しますが、dcr-wizard が作成したものではありません: 変更せず、使用を許可しない限り実行はここで停止します</translation>
    </message>
    <message>
        <source>The app registration &apos;%1&apos;</source>
        <translation>アプリの登録 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>Found the service principal that this setup created before it was interrupted.</source>
        <translation>中断される前にこのセットアップが作成したサービス プリンシパルが見つかりました。</translation>
    </message>
    <message>
        <source>The service principal was already gone.</source>
        <translation>サービス プリンシパルは既に削除されていました。</translation>
    </message>
    <message>
        <source>The service principal &apos;%1&apos;</source>
        <translation>サービス プリンシパル &apos;%1&apos;</translation>
    </message>
    <message>
        <source>it no longer carries this setup&apos;s tag.</source>
        <translation>このセットアップのタグがもう付いていません。</translation>
    </message>
    <message>
        <source>The permission grant was already gone.</source>
        <translation>アクセス許可の付与は既に削除されていました。</translation>
    </message>
    <message>
        <source>Revoked the admin consent for %1.</source>
        <translation>%1 に対する管理者の同意を取り消しました。</translation>
    </message>
    <message>
        <source>The app registration &apos;%1&apos; was already gone.</source>
        <translation>アプリの登録 &apos;%1&apos; は既に削除されていました。</translation>
    </message>
    <message>
        <source>Deleted the app registration &apos;%1&apos; (Entra ID keeps it 30 days in deleted items).</source>
        <translation>アプリの登録 &apos;%1&apos; を削除しました (Entra ID の削除済みアイテムに 30 日間保持されます)。</translation>
    </message>
    <message>
        <source>use it as it is</source>
        <translation>そのまま使用</translation>
    </message>
    <message>
        <source>correct it: %1</source>
        <translation>修正: %1</translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; %2: it is already as asked (client ID %3).</source>
        <translation>アプリ &apos;%1&apos; は%2。既に指定どおりです (クライアント ID %3)。</translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; %2, and would be corrected: %3.</source>
        <translation>アプリ &apos;%1&apos; は%2。次の点を修正します: %3。</translation>
    </message>
    <message>
        <source>Dynamics CRM user_impersonation</source>
        <translation>Dynamics CRM の user_impersonation</translation>
    </message>
    <message>
        <source>add a client secret to it</source>
        <translation>クライアント シークレットを追加</translation>
    </message>
    <message>
        <source>add the missing Microsoft Graph permissions and a client secret to it</source>
        <translation>不足している Microsoft Graph のアクセス許可とクライアント シークレットを追加</translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; %2, as it is: it has the right permissions.</source>
        <translation>アプリ &apos;%1&apos; は%2。必要なアクセス許可があるため、そのまま使用します。</translation>
    </message>
    <message>
        <source>The app &apos;%1&apos; %2: the missing Microsoft Graph permissions would be added.</source>
        <translation>アプリ &apos;%1&apos; は%2。不足している Microsoft Graph のアクセス許可を追加します。</translation>
    </message>
    <message>
        <source>Added the missing Microsoft Graph permissions to &apos;%1&apos;, which dcr-wizard did not create (as allowed).</source>
        <translation>dcr-wizard が作成したものではない &apos;%1&apos; に、不足している Microsoft Graph のアクセス許可を追加しました (許可済み)。</translation>
    </message>
    <message>
        <source>Microsoft Graph app role %1</source>
        <translation>Microsoft Graph のアプリ ロール %1</translation>
    </message>
    <message>
        <source>Microsoft Graph %1</source>
        <translation>Microsoft Graph の %1</translation>
    </message>
    <message>
        <source>The client secret %1 was already gone; removed its copy from the keychain.</source>
        <translation>クライアント シークレット %1 は既に削除されていました。キーチェーンからそのコピーを削除しました。</translation>
    </message>
    <message>
        <source>The client secret &apos;%1&apos; of the app &apos;%2&apos;</source>
        <translation>アプリ &apos;%2&apos; のクライアント シークレット &apos;%1&apos;</translation>
    </message>
    <message>
        <source>its name no longer carries this setup&apos;s tag.</source>
        <translation>名前にこのセットアップのタグがもう含まれていません。</translation>
    </message>
    <message>
        <source>Removed the client secret this setup added to &apos;%1&apos;, and its copy in the keychain.</source>
        <translation>このセットアップが &apos;%1&apos; に追加したクライアント シークレットと、キーチェーン内のそのコピーを削除しました。</translation>
    </message>
    <message>
        <source>The saved progress belongs to the Konnect organization %1, but the token is for &apos;%2&apos; (%3).</source>
        <translation>保存された進行状況は Konnect の組織 %1 のものですが、トークンは &apos;%2&apos; (%3) のものです。</translation>
    </message>
    <message>
        <source>Use the saved progress of this organization (another --state-file), or a token of the organization it belongs to.</source>
        <translation>この組織の保存された進行状況を使用するか (別の --state-file)、進行状況が属する組織のトークンを使用してください。</translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos;</source>
        <translation>DCR プロバイダー &apos;%1&apos;</translation>
    </message>
    <message>
        <source>give it this app&apos;s client ID and secret</source>
        <translation>このアプリのクライアント ID とシークレットを設定</translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos; %2: it already uses this app.</source>
        <translation>DCR プロバイダー &apos;%1&apos; は%2。既にこのアプリを使用しています。</translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos; %2: it would get this app&apos;s credentials.</source>
        <translation>DCR プロバイダー &apos;%1&apos; は%2。このアプリの資格情報を設定します。</translation>
    </message>
    <message>
        <source>The DCR provider &apos;%1&apos; was already gone.</source>
        <translation>DCR プロバイダー &apos;%1&apos; は既に削除されていました。</translation>
    </message>
    <message>
        <source>it no longer carries this setup&apos;s label.</source>
        <translation>このセットアップのラベルがもう付いていません。</translation>
    </message>
    <message>
        <source>Deleted the DCR provider &apos;%1&apos;.</source>
        <translation>DCR プロバイダー &apos;%1&apos; を削除しました。</translation>
    </message>
    <message>
        <source>The auth strategy &apos;%1&apos; %2.</source>
        <translation>認証戦略 &apos;%1&apos; は%2。</translation>
    </message>
    <message>
        <source>The auth strategy &apos;%1&apos;</source>
        <translation>認証戦略 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>publish the API with it</source>
        <translation>これを使って API を公開</translation>
    </message>
    <message>
        <source>The auth strategy &apos;%1&apos; was already gone.</source>
        <translation>認証戦略 &apos;%1&apos; は既に削除されていました。</translation>
    </message>
    <message>
        <source>Deleted the auth strategy &apos;%1&apos;.</source>
        <translation>認証戦略 &apos;%1&apos; を削除しました。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; on &apos;%2&apos;</source>
        <translation>&apos;%2&apos; 上の &apos;%1&apos;</translation>
    </message>
    <message>
        <source>with the auth strategy %1</source>
        <translation>認証戦略 %1 付き</translation>
    </message>
    <message>
        <source>without an auth strategy</source>
        <translation>認証戦略なし</translation>
    </message>
    <message>
        <source>%1 is already published %2, not by dcr-wizard: %3</source>
        <translation>%1 は既に%2で公開されています (dcr-wizard による公開ではありません): %3</translation>
    </message>
    <message>
        <source>it would be switched to this setup&apos;s strategy, which cuts off the developer applications registered through the one there now; clean-up puts it back.</source>
        <translation>このセットアップの戦略に切り替えます。これにより、現在の戦略で登録された開発者アプリケーションは使用できなくなります。クリーンアップで元に戻ります。</translation>
    </message>
    <message>
        <source>it will be left alone, and the run stops here unless you allow switching it.</source>
        <translation>変更せず、切り替えを許可しない限り実行はここで停止します。</translation>
    </message>
    <message>
        <source>%1 is already published %2, and not by dcr-wizard; switching it to this setup&apos;s strategy would cut off every developer application registered through it, so it was left as it is.</source>
        <translation>%1 は既に%2で公開されています (dcr-wizard による公開ではありません)。このセットアップの戦略に切り替えると、それを通じて登録されたすべての開発者アプリケーションが使用できなくなるため、変更していません。</translation>
    </message>
    <message>
        <source>Publish another API or on another portal (publish.api_name, publish.portal_name), or allow the switch with --adopt (or &quot;adopt&quot;: true in the profile): clean-up then puts the current publication back.</source>
        <translation>別の API または別のポータルに公開するか (publish.api_name、publish.portal_name)、--adopt (またはプロファイルの &quot;adopt&quot;: true) で切り替えを許可してください。その場合、クリーンアップで現在の公開が元に戻ります。</translation>
    </message>
    <message>
        <source>Switched the publication of &apos;%1&apos; on &apos;%2&apos; to this setup&apos;s auth strategy (clean-up puts the previous one back).</source>
        <translation>&apos;%2&apos; 上の &apos;%1&apos; の公開を、このセットアップの認証戦略に切り替えました (クリーンアップで以前の戦略に戻ります)。</translation>
    </message>
    <message>
        <source>The publication of %1 was already gone.</source>
        <translation>%1 の公開は既に削除されていました。</translation>
    </message>
    <message>
        <source>The publication of %1</source>
        <translation>%1 の公開</translation>
    </message>
    <message>
        <source>it no longer uses this setup&apos;s auth strategy.</source>
        <translation>このセットアップの認証戦略をもう使用していません。</translation>
    </message>
    <message>
        <source>Removed the publication of %1.</source>
        <translation>%1 の公開を削除しました。</translation>
    </message>
    <message>
        <source>Put the publication of %1 back as it was before this setup.</source>
        <translation>%1 の公開を、このセットアップ前の状態に戻しました。</translation>
    </message>
    <message>
        <source>A developer application of the DCR round trip is left, but this run has no developer account of the portal to delete it with.</source>
        <translation>DCR のラウンドトリップで作成した開発者アプリケーションが残っていますが、この実行にはそれを削除するためのポータルの開発者アカウントがありません。</translation>
    </message>
    <message>
        <source>Delete the applications named &apos;dcr-wizard check …&apos; in the Dev Portal, then run the clean-up again.</source>
        <translation>Dev Portal で &apos;dcr-wizard check …&apos; という名前のアプリケーションを削除してから、もう一度クリーンアップを実行してください。</translation>
    </message>
    <message>
        <source>Deleted the developer application &apos;%1&apos;.</source>
        <translation>開発者アプリケーション &apos;%1&apos; を削除しました。</translation>
    </message>
    <message>
        <source>The app role assignment was already gone.</source>
        <translation>アプリ ロールの割り当ては既に削除されていました。</translation>
    </message>
    <message>
        <source>%1, tenant %2</source>
        <translation>%1、テナント %2</translation>
    </message>
    <message>
        <source>%1, organization %2</source>
        <translation>%1、組織 %2</translation>
    </message>
    <message>
        <source>%1 (%2) already exists and was not created by dcr-wizard; it was left as it is.</source>
        <translation>%1 (%2) は既に存在し、dcr-wizard が作成したものではないため、変更していません。</translation>
    </message>
    <message>
        <source>To use it anyway (dcr-wizard would %1, and clean-up would never delete it), allow using existing objects: --adopt, or &quot;adopt&quot;: true in the profile. Otherwise choose another name in the profile.</source>
        <translation>それでも使用するには (dcr-wizard が行う処理: %1。クリーンアップで削除されることはありません)、既存のオブジェクトの使用を許可してください: --adopt、またはプロファイルの &quot;adopt&quot;: true。そうでなければ、プロファイルで別の名前を選んでください。</translation>
    </message>
    <message>
        <source>%1 (%2) was not deleted: %3</source>
        <translation>%1 (%2) は削除しませんでした: %3</translation>
    </message>
    <message>
        <source>It may have been replaced by an object someone else made. Check it in the portal; if it really is the one this setup made, delete it there, then run the clean-up again.</source>
        <translation>ほかの人が作成したオブジェクトに置き換えられている可能性があります。ポータルで確認し、本当にこのセットアップで作成したものであれば、そこで削除してから、もう一度クリーンアップを実行してください。</translation>
    </message>
    <message>
        <source>the app registration</source>
        <translation>アプリの登録</translation>
    </message>
    <message>
        <source>the client secret (password credential)</source>
        <translation>クライアント シークレット (パスワード資格情報)</translation>
    </message>
    <message>
        <source>the service principal</source>
        <translation>サービス プリンシパル</translation>
    </message>
    <message>
        <source>the app role assignment (admin consent)</source>
        <translation>アプリ ロールの割り当て (管理者の同意)</translation>
    </message>
    <message>
        <source>the delegated permission grant (admin consent)</source>
        <translation>委任されたアクセス許可の付与 (管理者の同意)</translation>
    </message>
    <message>
        <source>the DCR provider</source>
        <translation>DCR プロバイダー</translation>
    </message>
    <message>
        <source>the auth strategy</source>
        <translation>認証戦略</translation>
    </message>
    <message>
        <source>the API&apos;s publication</source>
        <translation>API の公開</translation>
    </message>
    <message>
        <source>the developer application</source>
        <translation>開発者アプリケーション</translation>
    </message>
    <message>
        <source>Put back as it was before this setup: %1</source>
        <translation>このセットアップ前の状態に戻す: %1</translation>
    </message>
    <message>
        <source>Delete: %1, created by this setup</source>
        <translation>削除: %1 (このセットアップで作成)</translation>
    </message>
    <message>
        <source>Keep: %1; it existed before this setup, which only used it</source>
        <translation>保持: %1 (このセットアップ前から存在し、使用しただけ)</translation>
    </message>
</context>
<context>
    <name>dcr::engine::RunState</name>
    <message>
        <source>Cannot read the saved progress in %1: %2</source>
        <translation>%1 に保存された進行状況を読み取れません: %2</translation>
    </message>
    <message>
        <source>The saved progress in %1 is damaged or from another version; remove it to start over.</source>
        <translation>%1 に保存された進行状況が壊れているか、別のバージョンのものです。最初からやり直すには削除してください。</translation>
    </message>
    <message>
        <source>Cannot create the folder for %1.</source>
        <translation>%1 のフォルダーを作成できません。</translation>
    </message>
    <message>
        <source>Cannot save progress to %1: %2</source>
        <translation>%1 に進行状況を保存できません: %2</translation>
    </message>
    <message>
        <source>Cannot remove %1.</source>
        <translation>%1 を削除できません。</translation>
    </message>
    <message>
        <source>Progress is not saved to %1: it is a symbolic link, and the file would be written wherever it points. Give --state-file a plain file.</source>
        <translation>%1 には進行状況を保存しません: シンボリック リンクであり、ファイルはリンク先のどこにでも書き込まれてしまいます。--state-file には通常のファイルを指定してください。</translation>
    </message>
</context>
<context>
    <name>dcr::engine::RunState::Target</name>
    <message>
        <source>the sandbox</source>
        <translation>サンドボックス</translation>
    </message>
    <message>
        <source>the tenant %1 on %2 and Konnect on %3</source>
        <translation>%2 のテナント %1 と %3 の Konnect</translation>
    </message>
</context>
<context>
    <name>dcr::engine::Runner</name>
    <message>
        <source>Skipped: %1</source>
        <translation>省略: %1</translation>
    </message>
    <message>
        <source>Nothing to do.</source>
        <translation>何もすることはありません。</translation>
    </message>
    <message>
        <source>Free some disk space or fix the folder&apos;s permissions, then retry; nothing created so far is lost.</source>
        <translation>ディスクの空き容量を増やすかフォルダーのアクセス許可を修正してから、再試行してください。ここまでに作成したものは失われません。</translation>
    </message>
</context>
<context>
    <name>dcr::engine::Session</name>
    <message>
        <source>The saved progress in %1 belongs to %2, not to %3; it is left as it is.</source>
        <translation>%1 に保存された進行状況は %3 ではなく %2 のものです。変更せずにそのまま残します。</translation>
    </message>
</context>
<context>
    <name>dcr::ui::ApplyPage</name>
    <message>
        <source>Setup steps</source>
        <translation>セットアップのステップ</translation>
    </message>
    <message>
        <source>Setup status</source>
        <translation>セットアップの状態</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>再試行(&amp;R)</translation>
    </message>
    <message>
        <source>Skip this ste&amp;p</source>
        <translation>このステップを省略(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Clean up</source>
        <translation>クリーンアップ(&amp;C)</translation>
    </message>
    <message>
        <source>Run the setup a&amp;gain</source>
        <translation>セットアップをもう一度実行(&amp;G)</translation>
    </message>
    <message>
        <source>Setting up</source>
        <translation>セットアップ中</translation>
    </message>
    <message>
        <source>Each step finds what exists before creating anything. Progress is saved after every step, so an interrupted setup can be resumed.</source>
        <translation>各ステップは、何かを作成する前に既存のものを探します。進行状況はステップごとに保存されるため、中断したセットアップは再開できます。</translation>
    </message>
    <message>
        <source>What went wrong</source>
        <translation>問題の内容</translation>
    </message>
    <message>
        <source>What to do</source>
        <translation>対処方法</translation>
    </message>
    <message>
        <source>Retry the failed step</source>
        <translation>失敗したステップを再試行</translation>
    </message>
    <message>
        <source>Skip the failed optional step</source>
        <translation>失敗した省略可能なステップを省略</translation>
    </message>
    <message>
        <source>Run the setup again</source>
        <translation>セットアップをもう一度実行</translation>
    </message>
    <message>
        <source>Setup log</source>
        <translation>セットアップのログ</translation>
    </message>
    <message>
        <source>Cop&amp;y the log</source>
        <translation>ログをコピー(&amp;Y)</translation>
    </message>
    <message>
        <source>Copy the setup log</source>
        <translation>セットアップのログをコピー</translation>
    </message>
    <message>
        <source>&amp;Log (tokens and secrets are never shown):</source>
        <translation>ログ(&amp;L) (トークンとシークレットは表示されません):</translation>
    </message>
    <message>
        <source>Setting up… %1 of %2 steps finished. %3: %4, because %5.</source>
        <translation>セットアップ中… %2 ステップ中 %1 ステップが完了しました。%3: %5 ため、%4。</translation>
    </message>
    <message>
        <source>Setting up… %1 of %2 steps finished.</source>
        <translation>セットアップ中… %2 ステップ中 %1 ステップが完了しました。</translation>
    </message>
    <message>
        <source>Everything is set up and checked.</source>
        <translation>すべてのセットアップと確認が完了しました。</translation>
    </message>
    <message>
        <source>Everything is set up, but a check failed: the next page has the details.</source>
        <translation>すべてセットアップしましたが、確認に失敗したものがあります。詳細は次のページにあります。</translation>
    </message>
    <message>
        <source>The setup stopped. Nothing after the failed step was changed.</source>
        <translation>セットアップが停止しました。失敗したステップ以降は何も変更されていません。</translation>
    </message>
    <message>
        <source>Deleting what this tool created…</source>
        <translation>このツールが作成したものを削除しています…</translation>
    </message>
    <message>
        <source>Everything this tool created was deleted.</source>
        <translation>このツールが作成したものはすべて削除されました。</translation>
    </message>
    <message>
        <source>The clean-up stopped.</source>
        <translation>クリーンアップが停止しました。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation>対処方法: %1</translation>
    </message>
</context>
<context>
    <name>dcr::ui::AzureAppPage</name>
    <message>
        <source>App name status</source>
        <translation>アプリ名の状態</translation>
    </message>
    <message>
        <source>&amp;Minimal (recommended)</source>
        <translation>最小限(&amp;M) (推奨)</translation>
    </message>
    <message>
        <source>&amp;Legacy, as in Kong&apos;s earlier guide</source>
        <translation>従来どおり(&amp;L) (Kong の以前のガイドと同じ)</translation>
    </message>
    <message>
        <source>The app registration</source>
        <translation>アプリの登録</translation>
    </message>
    <message>
        <source>Konnect uses this app&apos;s identity to register developers&apos; applications in your tenant.</source>
        <translation>Konnect は、このアプリの ID を使って開発者のアプリケーションをテナントに登録します。</translation>
    </message>
    <message>
        <source>App display name</source>
        <translation>アプリの表示名</translation>
    </message>
    <message>
        <source>&amp;Display name:</source>
        <translation>表示名(&amp;D):</translation>
    </message>
    <message>
        <source>Accounts in this organizational directory only (single tenant)</source>
        <translation>この組織ディレクトリのみに含まれるアカウント (シングル テナント)</translation>
    </message>
    <message>
        <source>Supported account types</source>
        <translation>サポートされているアカウントの種類</translation>
    </message>
    <message>
        <source>Kong&apos;s DCR works with single-tenant apps; developers&apos; apps are created in this tenant too.</source>
        <translation>Kong の DCR はシングル テナントのアプリで動作します。開発者のアプリもこのテナントに作成されます。</translation>
    </message>
    <message>
        <source>Minimal permissions</source>
        <translation>最小限のアクセス許可</translation>
    </message>
    <message>
        <source>Legacy permissions</source>
        <translation>従来のアクセス許可</translation>
    </message>
    <message>
        <source>Permissions of the preset</source>
        <translation>プリセットのアクセス許可</translation>
    </message>
    <message>
        <source>Client secret lifetime in months</source>
        <translation>クライアント シークレットの有効期間 (月数)</translation>
    </message>
    <message>
        <source> months</source>
        <translation> か月</translation>
    </message>
    <message>
        <source>Microsoft allows at most 24 months. Put a reminder in your calendar: Konnect stops registering applications when the secret expires.</source>
        <translation>Microsoft が認めている最長期間は 24 か月です。カレンダーにリマインダーを設定してください: シークレットの有効期限が切れると、Konnect はアプリケーションを登録できなくなります。</translation>
    </message>
    <message>
        <source>Client secret l&amp;ifetime:</source>
        <translation>クライアント シークレットの有効期間(&amp;I):</translation>
    </message>
    <message>
        <source>Who can sign in:</source>
        <translation>サインインできるユーザー:</translation>
    </message>
    <message>
        <source>Permissions:</source>
        <translation>アクセス許可:</translation>
    </message>
    <message>
        <source>Looking for an app with this name…</source>
        <translation>この名前のアプリを探しています…</translation>
    </message>
    <message>
        <source>No app has this name yet: the setup registers it.</source>
        <translation>この名前のアプリはまだありません: セットアップで登録します。</translation>
    </message>
    <message>
        <source>%1 apps have this name: choose a name no other app registration uses.</source>
        <translation>この名前のアプリが %1 件あります: ほかのアプリの登録が使っていない名前を選んでください。</translation>
    </message>
    <message>
        <source>Could not check the name: %1</source>
        <translation>名前を確認できませんでした: %1</translation>
    </message>
    <message>
        <source>application permission</source>
        <translation>アプリケーションのアクセス許可</translation>
    </message>
    <message>
        <source>delegated permission</source>
        <translation>委任されたアクセス許可</translation>
    </message>
    <message>
        <source>Profile name status</source>
        <translation>プロファイル名の状態</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>プロファイル名</translation>
    </message>
    <message>
        <source>Names this setup&apos;s saved progress and keychain entries, so that two customers&apos; setups never share them. Letters, digits, dots, dashes and underscores.</source>
        <translation>このセットアップの保存された進行状況とキーチェーンのエントリに付ける名前です。これにより、異なる顧客のセットアップ同士で共有されることはありません。使用できるのは英字、数字、ドット、ダッシュ、アンダースコアです。</translation>
    </message>
    <message>
        <source>P&amp;rofile name:</source>
        <translation>プロファイル名(&amp;R):</translation>
    </message>
    <message>
        <source>An app with this name exists (client ID %1). If dcr-wizard did not create it, the Review asks before the setup uses it; or choose another name.</source>
        <translation>この名前のアプリが存在します (クライアント ID %1)。dcr-wizard が作成したものでない場合は、セットアップで使用する前に「確認」ページで確認します。または、別の名前を選んでください。</translation>
    </message>
</context>
<context>
    <name>dcr::ui::CleanupConfirm</name>
    <message>
        <source>Clean up what this tool created</source>
        <translation>このツールが作成したものをクリーンアップ</translation>
    </message>
    <message>
        <source>Delete the app registration, its secret, the DCR provider, the auth strategy and the publication that this tool created? Objects it found already existing are kept.</source>
        <translation>このツールが作成したアプリの登録、そのシークレット、DCR プロバイダー、認証戦略、公開を削除しますか? 既に存在していたオブジェクトは残します。</translation>
    </message>
    <message>
        <source>&amp;Delete them</source>
        <translation>削除する(&amp;D)</translation>
    </message>
    <message>
        <source>Confirm the clean-up</source>
        <translation>クリーンアップを確定</translation>
    </message>
    <message>
        <source>&amp;Keep them</source>
        <translation>残す(&amp;K)</translation>
    </message>
    <message>
        <source>Cancel the clean-up</source>
        <translation>クリーンアップを取り消す</translation>
    </message>
</context>
<context>
    <name>dcr::ui::ClientSecretPage</name>
    <message>
        <source>Keychain status</source>
        <translation>キーチェーンの状態</translation>
    </message>
    <message>
        <source>Check the &amp;keychain again</source>
        <translation>キーチェーンを再確認(&amp;K)</translation>
    </message>
    <message>
        <source>The client secret</source>
        <translation>クライアント シークレット</translation>
    </message>
    <message>
        <source>Konnect&apos;s DCR provider signs in as the app with a client secret. The wizard creates it during the setup.</source>
        <translation>Konnect の DCR プロバイダーは、クライアント シークレットを使ってアプリとしてサインインします。ウィザードはセットアップ中にシークレットを作成します。</translation>
    </message>
    <message>
        <source>Check the keychain again</source>
        <translation>キーチェーンを再確認</translation>
    </message>
    <message numerus="yes">
        <source>The secret is valid for %n month(s). Its value goes straight to Konnect&apos;s DCR provider and into the system keychain (service &quot;dcr-wizard&quot;, an entry under &quot;%1/&quot;); dcr-wizard never writes it to a file, a log or a report. Only its ID is remembered, to clean up later.</source>
        <translation>
            <numerusform>シークレットの有効期間は %n か月です。値は Konnect の DCR プロバイダーとシステムのキーチェーン (サービス &quot;dcr-wizard&quot;、&quot;%1/&quot; 以下のエントリ) に直接渡されます。dcr-wizard がファイル、ログ、レポートに書き込むことはありません。後でクリーンアップできるよう、ID だけを記録します。</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking the keychain…</source>
        <translation>キーチェーンを確認しています…</translation>
    </message>
    <message>
        <source>A keychain is available: the secret will be stored there.</source>
        <translation>キーチェーンを利用できます: シークレットはそこに保存されます。</translation>
    </message>
    <message>
        <source>The keychain did not let the wizard in (%1). Unlock it and check again; otherwise the secret will be shown once for you to copy.</source>
        <translation>キーチェーンがウィザードのアクセスを許可しませんでした (%1)。ロックを解除して再確認してください。そうしない場合、シークレットは一度だけ表示されるので、それをコピーしてください。</translation>
    </message>
    <message>
        <source>This computer has no keychain. The secret will be shown once, right after it is created, with a Copy button: copy it then, because dcr-wizard stores it nowhere. The clipboard is cleared 60 seconds later.</source>
        <translation>このコンピューターにはキーチェーンがありません。シークレットは作成直後に一度だけ、コピー ボタン付きで表示されます。dcr-wizard はどこにも保存しないので、そのときにコピーしてください。クリップボードは 60 秒後に消去されます。</translation>
    </message>
</context>
<context>
    <name>dcr::ui::ConsentPage</name>
    <message>
        <source>Admin consent</source>
        <translation>管理者の同意</translation>
    </message>
    <message>
        <source>The setup grants these Microsoft Graph permissions to the app for the whole organization. Granting application permissions needs a Global Administrator or a Privileged Role Administrator.</source>
        <translation>セットアップでは、これらの Microsoft Graph のアクセス許可を組織全体についてアプリに付与します。アプリケーションのアクセス許可の付与には、グローバル管理者または特権ロール管理者が必要です。</translation>
    </message>
    <message>
        <source>Permissions that will be granted</source>
        <translation>付与されるアクセス許可</translation>
    </message>
    <message>
        <source>Admin consent link</source>
        <translation>管理者の同意のリンク</translation>
    </message>
    <message>
        <source>Cop&amp;y the link</source>
        <translation>リンクをコピー(&amp;Y)</translation>
    </message>
    <message>
        <source>Copy the admin consent link</source>
        <translation>管理者の同意のリンクをコピー</translation>
    </message>
    <message>
        <source>If your account cannot grant consent, send this &amp;link to an administrator who can:</source>
        <translation>アカウントで同意を付与できない場合は、付与できる管理者にこのリンク(&amp;L)を送ってください:</translation>
    </message>
    <message>
        <source>Permission</source>
        <translation>アクセス許可</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>What it allows</source>
        <translation>許可される内容</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>アプリケーション</translation>
    </message>
    <message>
        <source>Delegated</source>
        <translation>委任</translation>
    </message>
    <message>
        <source>The app does not exist yet: {client-id} is its client ID, which the Summary page shows with the complete link once the app is registered.</source>
        <translation>アプリはまだ存在しません: {client-id} はアプリのクライアント ID です。アプリの登録後、概要ページに完全なリンクが表示されます。</translation>
    </message>
    <message>
        <source>The link is for the existing app with client ID %1.</source>
        <translation>このリンクは、クライアント ID %1 の既存のアプリ用です。</translation>
    </message>
</context>
<context>
    <name>dcr::ui::DynamicsAppPage</name>
    <message>
        <source>App name status</source>
        <translation>アプリ名の状態</translation>
    </message>
    <message>
        <source>Accounts in &amp;any organizational directory (multitenant)</source>
        <translation>任意の組織ディレクトリ内のアカウント(&amp;A) (マルチテナント)</translation>
    </message>
    <message>
        <source>Accounts in &amp;this organizational directory only (single tenant)</source>
        <translation>この組織ディレクトリのみに含まれるアカウント(&amp;T) (シングル テナント)</translation>
    </message>
    <message>
        <source>Redirect URI status</source>
        <translation>リダイレクト URI の状態</translation>
    </message>
    <message>
        <source>Environment address status</source>
        <translation>環境アドレスの状態</translation>
    </message>
    <message>
        <source>&amp;Grant admin consent for all users (no consent prompt at first sign-in)</source>
        <translation>すべてのユーザーについて管理者の同意を付与(&amp;G) (初回サインイン時に同意のプロンプトを表示しない)</translation>
    </message>
    <message>
        <source>After the setup, &amp;prove it with a test sign-in (device code)</source>
        <translation>セットアップ後、テスト サインイン (デバイス コード) で動作を確認(&amp;P)</translation>
    </message>
    <message>
        <source>The Dynamics 365 client app</source>
        <translation>Dynamics 365 クライアント アプリ</translation>
    </message>
    <message>
        <source>Registers the app that your client application uses to sign users in and call Dynamics 365 / Dataverse on their behalf. It is a public client: no secret.</source>
        <translation>クライアント アプリケーションがユーザーをサインインさせ、ユーザーに代わって Dynamics 365 / Dataverse を呼び出すために使うアプリを登録します。パブリック クライアントなので、シークレットはありません。</translation>
    </message>
    <message>
        <source>App display name</source>
        <translation>アプリの表示名</translation>
    </message>
    <message>
        <source>&amp;Display name:</source>
        <translation>表示名(&amp;D):</translation>
    </message>
    <message>
        <source>Accounts in any organizational directory</source>
        <translation>任意の組織ディレクトリ内のアカウント</translation>
    </message>
    <message>
        <source>As the walkthrough recommends: users of other tenants can use your client with their own Dynamics 365.</source>
        <translation>チュートリアルの推奨どおりです: ほかのテナントのユーザーも、自分の Dynamics 365 でこのクライアントを使用できます。</translation>
    </message>
    <message>
        <source>Accounts in this organizational directory only</source>
        <translation>この組織ディレクトリのみに含まれるアカウント</translation>
    </message>
    <message>
        <source>Redirect URI</source>
        <translation>リダイレクト URI</translation>
    </message>
    <message>
        <source>Platform &apos;Mobile and desktop applications&apos;: http://localhost, or the custom URI your client uses (for example myapp://auth).</source>
        <translation>プラットフォーム「モバイル アプリケーションとデスクトップ アプリケーション」: http://localhost、またはクライアントが使用するカスタム URI (たとえば myapp://auth)。</translation>
    </message>
    <message>
        <source>&amp;Redirect URI:</source>
        <translation>リダイレクト URI(&amp;R):</translation>
    </message>
    <message>
        <source>Dynamics 365 environment address (optional)</source>
        <translation>Dynamics 365 環境のアドレス (省略可能)</translation>
    </message>
    <message>
        <source>Used in the connection string and for the test sign-in; leave empty if you do not know it yet.</source>
        <translation>接続文字列とテスト サインインに使用します。まだわからない場合は空のままにしてください。</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>環境(&amp;E):</translation>
    </message>
    <message>
        <source>Grant admin consent for all users</source>
        <translation>すべてのユーザーについて管理者の同意を付与</translation>
    </message>
    <message>
        <source>Prove the app with a test sign-in</source>
        <translation>テスト サインインでアプリの動作を確認</translation>
    </message>
    <message>
        <source>The sandbox signs its test user in at once.</source>
        <translation>サンドボックスはテスト ユーザーをすぐにサインインさせます。</translation>
    </message>
    <message>
        <source>The Apply page&apos;s log shows a code to enter at microsoft.com/devicelogin as a test user.</source>
        <translation>適用ページのログに、テスト ユーザーとして microsoft.com/devicelogin で入力するコードが表示されます。</translation>
    </message>
    <message>
        <source>Who can sign in:</source>
        <translation>サインインできるユーザー:</translation>
    </message>
    <message>
        <source>API permission:</source>
        <translation>API のアクセス許可:</translation>
    </message>
    <message>
        <source>Dynamics CRM — user_impersonation (delegated): access Dynamics 365 as the signed-in user.</source>
        <translation>Dynamics CRM — user_impersonation (委任): サインインしたユーザーとして Dynamics 365 にアクセスします。</translation>
    </message>
</context>
<context>
    <name>dcr::ui::DynamicsSummaryBox</name>
    <message>
        <source>For your client application&apos;s code or app.config</source>
        <translation>クライアント アプリケーションのコードまたは app.config 用</translation>
    </message>
    <message>
        <source>Application (client) ID:</source>
        <translation>アプリケーション (クライアント) ID:</translation>
    </message>
    <message>
        <source>Redirect URI:</source>
        <translation>リダイレクト URI:</translation>
    </message>
    <message>
        <source>Authority:</source>
        <translation>機関 (Authority):</translation>
    </message>
    <message>
        <source>Connection string:</source>
        <translation>接続文字列:</translation>
    </message>
    <message>
        <source>For the Dataverse SDK (ServiceClient) or XRM tooling (CrmServiceClient); users sign in when it connects.</source>
        <translation>Dataverse SDK (ServiceClient) または XRM Tooling (CrmServiceClient) 用です。接続時にユーザーがサインインします。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <source>Copy the %1</source>
        <translation>%1 をコピー</translation>
    </message>
</context>
<context>
    <name>dcr::ui::KonnectPage</name>
    <message>
        <source>Custom Konnect API address</source>
        <translation>カスタムの Konnect API アドレス</translation>
    </message>
    <message>
        <source>Konnect address problem</source>
        <translation>Konnect アドレスの問題</translation>
    </message>
    <message>
        <source>Konnect token</source>
        <translation>Konnect トークン</translation>
    </message>
    <message>
        <source>Konnect token status</source>
        <translation>Konnect トークンの状態</translation>
    </message>
    <message>
        <source>Konnect organization</source>
        <translation>Konnect の組織</translation>
    </message>
    <message>
        <source>Re&amp;member the token in the keychain</source>
        <translation>トークンをキーチェーンに記憶(&amp;M)</translation>
    </message>
    <message>
        <source>DCR provider name</source>
        <translation>DCR プロバイダー名</translation>
    </message>
    <message>
        <source>DCR provider name problem</source>
        <translation>DCR プロバイダー名の問題</translation>
    </message>
    <message>
        <source>Auth strategy name</source>
        <translation>認証戦略名</translation>
    </message>
    <message>
        <source>Auth strategy name problem</source>
        <translation>認証戦略名の問題</translation>
    </message>
    <message>
        <source>Auth strategy display name</source>
        <translation>認証戦略の表示名</translation>
    </message>
    <message>
        <source>Display name problem</source>
        <translation>表示名の問題</translation>
    </message>
    <message>
        <source>Credential claim</source>
        <translation>クレデンシャル クレーム</translation>
    </message>
    <message>
        <source>Credential claim problem</source>
        <translation>クレデンシャル クレームの問題</translation>
    </message>
    <message>
        <source>Client cre&amp;dentials</source>
        <translation>クライアント資格情報(&amp;D)</translation>
    </message>
    <message>
        <source>Beare&amp;r token</source>
        <translation>ベアラー トークン(&amp;R)</translation>
    </message>
    <message>
        <source>Sessi&amp;on</source>
        <translation>セッション(&amp;O)</translation>
    </message>
    <message>
        <source>Auth methods problem</source>
        <translation>認証方式の問題</translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation>発行者</translation>
    </message>
    <message>
        <source>Kong Konnect</source>
        <translation>Kong Konnect</translation>
    </message>
    <message>
        <source>The DCR provider lets the Dev Portal create developers&apos; apps in your tenant; the auth strategy applies it to the APIs you publish.</source>
        <translation>DCR プロバイダーにより、Dev Portal は開発者のアプリをテナントに作成できます。認証戦略は、それを公開する API に適用します。</translation>
    </message>
    <message>
        <source>Konnect region</source>
        <translation>Konnect のリージョン</translation>
    </message>
    <message>
        <source>United States (us)</source>
        <translation>米国 (us)</translation>
    </message>
    <message>
        <source>Europe (eu)</source>
        <translation>ヨーロッパ (eu)</translation>
    </message>
    <message>
        <source>Australia (au)</source>
        <translation>オーストラリア (au)</translation>
    </message>
    <message>
        <source>Middle East (me)</source>
        <translation>中東 (me)</translation>
    </message>
    <message>
        <source>India (in)</source>
        <translation>インド (in)</translation>
    </message>
    <message>
        <source>Singapore (sg)</source>
        <translation>シンガポール (sg)</translation>
    </message>
    <message>
        <source>Another address</source>
        <translation>別のアドレス</translation>
    </message>
    <message>
        <source>kpat_… or spat_…</source>
        <translation>kpat_… または spat_…</translation>
    </message>
    <message>
        <source>Create one in Konnect under your account&apos;s Personal access tokens, or a system account&apos;s token.</source>
        <translation>Konnect のアカウントの「Personal access tokens」で作成するか、システム アカウントのトークンを使用してください。</translation>
    </message>
    <message>
        <source>Remember the Konnect token in the keychain</source>
        <translation>Konnect トークンをキーチェーンに記憶</translation>
    </message>
    <message>
        <source>Lets the next start and dcr-wizard --unattended use it without asking.</source>
        <translation>次回の起動時と dcr-wizard --unattended で、確認せずに使用できるようになります。</translation>
    </message>
    <message>
        <source>The token claim that names the developer&apos;s app. Azure puts the client ID in appid.</source>
        <translation>開発者のアプリを示すトークンのクレームです。Azure はクライアント ID を appid に格納します。</translation>
    </message>
    <message>
        <source>Client credentials auth method</source>
        <translation>クライアント資格情報の認証方式</translation>
    </message>
    <message>
        <source>Bearer auth method</source>
        <translation>ベアラー トークンの認証方式</translation>
    </message>
    <message>
        <source>Session auth method</source>
        <translation>セッションの認証方式</translation>
    </message>
    <message>
        <source>Derived from the tenant, without a trailing slash: Kong compares it exactly.</source>
        <translation>テナントから導出され、末尾のスラッシュは付きません: Kong は完全一致で比較します。</translation>
    </message>
    <message>
        <source>Re&amp;gion:</source>
        <translation>リージョン(&amp;G):</translation>
    </message>
    <message>
        <source>&amp;Token:</source>
        <translation>トークン(&amp;T):</translation>
    </message>
    <message>
        <source>DCR &amp;provider name:</source>
        <translation>DCR プロバイダー名(&amp;P):</translation>
    </message>
    <message>
        <source>Auth &amp;strategy name:</source>
        <translation>認証戦略名(&amp;S):</translation>
    </message>
    <message>
        <source>Strategy displa&amp;y name:</source>
        <translation>戦略の表示名(&amp;Y):</translation>
    </message>
    <message>
        <source>Credential c&amp;laim:</source>
        <translation>クレデンシャル クレーム(&amp;L):</translation>
    </message>
    <message>
        <source>Auth methods:</source>
        <translation>認証方式:</translation>
    </message>
    <message>
        <source>&amp;Issuer:</source>
        <translation>発行者(&amp;I):</translation>
    </message>
    <message>
        <source>(known once you are signed in)</source>
        <translation>(サインインすると確定します)</translation>
    </message>
    <message>
        <source>Checking the token with Konnect…</source>
        <translation>Konnect でトークンを確認しています…</translation>
    </message>
    <message>
        <source>Organization: %1</source>
        <translation>組織: %1</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>Name at least one claim; for Azure it is appid.</source>
        <translation>クレームを 1 つ以上指定してください。Azure の場合は appid です。</translation>
    </message>
    <message>
        <source>Azure puts the client ID in appid; without it Konnect cannot match tokens to apps.</source>
        <translation>Azure はクライアント ID を appid に格納します。これがないと、Konnect はトークンとアプリを対応付けられません。</translation>
    </message>
    <message>
        <source>Choose at least one way developers&apos; apps authenticate.</source>
        <translation>開発者のアプリの認証方法を 1 つ以上選んでください。</translation>
    </message>
</context>
<context>
    <name>dcr::ui::PublishPage</name>
    <message>
        <source>&amp;Publish an API on a portal with this auth strategy</source>
        <translation>この認証戦略で API をポータルに公開(&amp;P)</translation>
    </message>
    <message>
        <source>Portal status</source>
        <translation>ポータルの状態</translation>
    </message>
    <message>
        <source>API status</source>
        <translation>API の状態</translation>
    </message>
    <message>
        <source>Re&amp;load the lists</source>
        <translation>一覧を再読み込み(&amp;L)</translation>
    </message>
    <message>
        <source>Appro&amp;ve developers&apos; registrations automatically</source>
        <translation>開発者の登録を自動的に承認(&amp;V)</translation>
    </message>
    <message>
        <source>After the setup, register a &amp;test application through the portal and call the API</source>
        <translation>セットアップ後、ポータルからテスト アプリケーションを登録して API を呼び出す(&amp;T)</translation>
    </message>
    <message>
        <source>Publish an API (optional)</source>
        <translation>API の公開 (省略可能)</translation>
    </message>
    <message>
        <source>Developers can register applications for an API once it is published on a portal with the auth strategy.</source>
        <translation>API が認証戦略付きでポータルに公開されると、開発者はその API 用のアプリケーションを登録できるようになります。</translation>
    </message>
    <message>
        <source>Publish an API</source>
        <translation>API を公開</translation>
    </message>
    <message>
        <source>Portal</source>
        <translation>ポータル</translation>
    </message>
    <message>
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <source>The APIs of Konnect&apos;s API catalog.</source>
        <translation>Konnect の API カタログにある API です。</translation>
    </message>
    <message>
        <source>Reload the portals and APIs</source>
        <translation>ポータルと API を再読み込み</translation>
    </message>
    <message>
        <source>Visibility</source>
        <translation>公開範囲</translation>
    </message>
    <message>
        <source>Public: anyone can see it</source>
        <translation>パブリック: 誰でも閲覧可能</translation>
    </message>
    <message>
        <source>Private: only signed-in developers</source>
        <translation>プライベート: サインインした開発者のみ</translation>
    </message>
    <message>
        <source>Approve registrations automatically</source>
        <translation>登録を自動的に承認</translation>
    </message>
    <message>
        <source>Validate with a test application</source>
        <translation>テスト アプリケーションで検証</translation>
    </message>
    <message>
        <source>Uses the sandbox&apos;s developer account; the test application is deleted again.</source>
        <translation>サンドボックスの開発者アカウントを使用します。テスト アプリケーションは後で削除されます。</translation>
    </message>
    <message>
        <source>P&amp;ortal:</source>
        <translation>ポータル(&amp;O):</translation>
    </message>
    <message>
        <source>&amp;API:</source>
        <translation>API(&amp;A):</translation>
    </message>
    <message>
        <source>Visibilit&amp;y:</source>
        <translation>公開範囲(&amp;Y):</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>Reading the organization&apos;s portals from Konnect…</source>
        <translation>Konnect から組織のポータルを読み込んでいます…</translation>
    </message>
    <message>
        <source>Not available</source>
        <translation>利用できません</translation>
    </message>
    <message>
        <source>The portals could not be read. %1
%2</source>
        <translation>ポータルを読み込めませんでした。%1
%2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Choose a portal</source>
        <translation>ポータルを選択してください</translation>
    </message>
    <message>
        <source>This organization has no portal yet: create one in Konnect, then reload the lists.</source>
        <translation>この組織にはまだポータルがありません: Konnect でポータルを作成してから、一覧を再読み込みしてください。</translation>
    </message>
    <message>
        <source>Konnect has no portal named &apos;%1&apos;: choose one from the list.</source>
        <translation>Konnect に &apos;%1&apos; という名前のポータルはありません: 一覧から選んでください。</translation>
    </message>
    <message>
        <source>Reading the APIs from Konnect&apos;s API catalog…</source>
        <translation>Konnect の API カタログから API を読み込んでいます…</translation>
    </message>
    <message>
        <source>The APIs could not be read. %1
%2</source>
        <translation>API を読み込めませんでした。%1
%2</translation>
    </message>
    <message>
        <source>Choose an API</source>
        <translation>API を選択してください</translation>
    </message>
    <message>
        <source>Konnect&apos;s API catalog is empty: add the API in Konnect, then reload the lists.</source>
        <translation>Konnect の API カタログが空です: Konnect で API を追加してから、一覧を再読み込みしてください。</translation>
    </message>
    <message>
        <source>Konnect has no API named &apos;%1&apos;: choose one from the list.</source>
        <translation>Konnect に &apos;%1&apos; という名前の API はありません: 一覧から選んでください。</translation>
    </message>
</context>
<context>
    <name>dcr::ui::ReviewPage</name>
    <message>
        <source>Planned steps</source>
        <translation>予定されているステップ</translation>
    </message>
    <message>
        <source>Review status</source>
        <translation>確認の状態</translation>
    </message>
    <message>
        <source>Check a&amp;gain</source>
        <translation>再確認(&amp;G)</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>確認</translation>
    </message>
    <message>
        <source>This is what the setup will do. Nothing has been changed yet.</source>
        <translation>セットアップで行う内容は次のとおりです。まだ何も変更されていません。</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>適用(&amp;A)</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>再確認</translation>
    </message>
    <message>
        <source>Some answers need fixing first (go back):
• %1</source>
        <translation>先に修正が必要な回答があります (前に戻ってください):
• %1</translation>
    </message>
    <message>
        <source>Looking at what exists in Microsoft Entra ID and Konnect…</source>
        <translation>Microsoft Entra ID と Konnect に存在するものを確認しています…</translation>
    </message>
    <message>
        <source>Press Apply to make these changes. Every step finds what exists before creating anything, so running the setup again is safe.</source>
        <translation>[適用] を押すと、これらの変更を行います。各ステップは何かを作成する前に既存のものを探すため、セットアップを何度実行しても安全です。</translation>
    </message>
    <message>
        <source>%1: %2
%3</source>
        <translation>%1: %2
%3</translation>
    </message>
    <message>
        <source>&amp;Use the existing objects marked &apos;not created by dcr-wizard&apos; (clean-up never deletes them)</source>
        <translation>「dcr-wizard が作成したものではない」と表示された既存のオブジェクトを使用する(&amp;U) (クリーンアップで削除されることはありません)</translation>
    </message>
    <message>
        <source>Use existing objects not created by dcr-wizard</source>
        <translation>dcr-wizard が作成したものではない既存のオブジェクトを使用</translation>
    </message>
    <message>
        <source>Some objects already exist and were not created by dcr-wizard. The setup will not touch them: allow it to use them below, or go back and choose other names.</source>
        <translation>既に存在し、dcr-wizard が作成したものではないオブジェクトがあります。セットアップはそれらに手を加えません: 下でそれらの使用を許可するか、前に戻って別の名前を選んでください。</translation>
    </message>
</context>
<context>
    <name>dcr::ui::SecretOnceBox</name>
    <message>
        <source>S&amp;how</source>
        <translation>表示(&amp;H)</translation>
    </message>
    <message>
        <source>C&amp;opy the secret</source>
        <translation>シークレットをコピー(&amp;O)</translation>
    </message>
    <message>
        <source>&lt;b&gt;No keychain can keep the client secret.&lt;/b&gt; This is the only time it is shown: copy it now to a password manager if you need it elsewhere. Konnect&apos;s DCR provider already has it.</source>
        <translation>&lt;b&gt;クライアント シークレットを保管できるキーチェーンがありません。&lt;/b&gt;表示されるのは今回だけです。ほかで必要な場合は、今すぐパスワード マネージャーにコピーしてください。Konnect の DCR プロバイダーには設定済みです。</translation>
    </message>
    <message>
        <source>Client secret</source>
        <translation>クライアント シークレット</translation>
    </message>
    <message>
        <source>Show the client secret</source>
        <translation>クライアント シークレットを表示</translation>
    </message>
    <message>
        <source>Copy the client secret</source>
        <translation>クライアント シークレットをコピー</translation>
    </message>
    <message>
        <source>Copied. The clipboard will be cleared in 60 seconds.</source>
        <translation>コピーしました。クリップボードは 60 秒後に消去されます。</translation>
    </message>
    <message>
        <source>The clipboard was cleared.</source>
        <translation>クリップボードを消去しました。</translation>
    </message>
</context>
<context>
    <name>dcr::ui::SetupWizard</name>
    <message>
        <source>Kong Konnect DCR setup for Microsoft Entra ID</source>
        <translation>Microsoft Entra ID 用 Kong Konnect DCR セットアップ</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>適用</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>The setup is still running</source>
        <translation>セットアップはまだ実行中です</translation>
    </message>
    <message>
        <source>Still running: %1.</source>
        <translation>実行中: %1。</translation>
    </message>
    <message>
        <source>Progress is saved after every finished step. If you close now, the next start offers to resume the setup; a step cut short runs again then and finds what it already made.</source>
        <translation>進行状況は、ステップが完了するたびに保存されます。今閉じた場合、次回の起動時にセットアップの再開を選べます。途中で中断されたステップはそのときにもう一度実行され、既に作成したものを見つけて使用します。</translation>
    </message>
    <message>
        <source>&amp;Close anyway</source>
        <translation>それでも閉じる(&amp;C)</translation>
    </message>
    <message>
        <source>Close the wizard anyway</source>
        <translation>それでもウィザードを閉じる</translation>
    </message>
    <message>
        <source>&amp;Keep setting up</source>
        <translation>セットアップを続ける(&amp;K)</translation>
    </message>
    <message>
        <source>Keep the wizard open</source>
        <translation>ウィザードを開いたままにする</translation>
    </message>
</context>
<context>
    <name>dcr::ui::SignInPage</name>
    <message>
        <source>If no browser window opened, open this address in one:</source>
        <translation>ブラウザーのウィンドウが開かない場合は、このアドレスをブラウザーで開いてください:</translation>
    </message>
    <message>
        <source>Tenant problem</source>
        <translation>テナントの問題</translation>
    </message>
    <message>
        <source>&amp;Sign in with the browser</source>
        <translation>ブラウザーでサインイン(&amp;S)</translation>
    </message>
    <message>
        <source>Sign in with a &amp;device code</source>
        <translation>デバイス コードでサインイン(&amp;D)</translation>
    </message>
    <message>
        <source>Sto&amp;p waiting</source>
        <translation>待機を中止(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Use this token</source>
        <translation>このトークンを使用(&amp;U)</translation>
    </message>
    <message>
        <source>Sign-in status</source>
        <translation>サインインの状態</translation>
    </message>
    <message>
        <source>Sign in to Microsoft Entra ID</source>
        <translation>Microsoft Entra ID にサインイン</translation>
    </message>
    <message>
        <source>Sign in as an administrator of the tenant where the app will be registered. Your tokens stay in memory and are forgotten when the wizard closes.</source>
        <translation>アプリを登録するテナントの管理者としてサインインしてください。トークンはメモリ内にのみ保持され、ウィザードを閉じると破棄されます。</translation>
    </message>
    <message>
        <source>Cloud</source>
        <translation>クラウド</translation>
    </message>
    <message>
        <source>Microsoft Azure (global)</source>
        <translation>Microsoft Azure (グローバル)</translation>
    </message>
    <message>
        <source>Azure Government (US)</source>
        <translation>Azure Government (米国)</translation>
    </message>
    <message>
        <source>Azure operated by 21Vianet (China)</source>
        <translation>21Vianet が運営する Azure (中国)</translation>
    </message>
    <message>
        <source>Tenant ID or domain</source>
        <translation>テナント ID またはドメイン</translation>
    </message>
    <message>
        <source>contoso.onmicrosoft.com or 00000000-0000-0000-0000-000000000000</source>
        <translation>contoso.onmicrosoft.com または 00000000-0000-0000-0000-000000000000</translation>
    </message>
    <message>
        <source>&amp;Cloud:</source>
        <translation>クラウド(&amp;C):</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>テナント(&amp;T):</translation>
    </message>
    <message>
        <source>Sign in with the browser</source>
        <translation>ブラウザーでサインイン</translation>
    </message>
    <message>
        <source>Sign in with a device code</source>
        <translation>デバイス コードでサインイン</translation>
    </message>
    <message>
        <source>For a computer without a browser: enter a code on another device.</source>
        <translation>ブラウザーのないコンピューター向け: 別のデバイスでコードを入力します。</translation>
    </message>
    <message>
        <source>Stop waiting for the sign-in</source>
        <translation>サインインの待機を中止</translation>
    </message>
    <message>
        <source>Sign-in address</source>
        <translation>サインインのアドレス</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>コピー(&amp;Y)</translation>
    </message>
    <message>
        <source>Copy the sign-in address</source>
        <translation>サインインのアドレスをコピー</translation>
    </message>
    <message>
        <source>No browser opened. Open this address in one:</source>
        <translation>ブラウザーが開きませんでした。このアドレスをブラウザーで開いてください:</translation>
    </message>
    <message>
        <source>Device code</source>
        <translation>デバイス コード</translation>
    </message>
    <message>
        <source>C&amp;opy the code</source>
        <translation>コードをコピー(&amp;O)</translation>
    </message>
    <message>
        <source>Copy the device code</source>
        <translation>デバイス コードをコピー</translation>
    </message>
    <message>
        <source>Microsoft Graph access token</source>
        <translation>Microsoft Graph のアクセス トークン</translation>
    </message>
    <message>
        <source>eyJ0eXAiOiJKV1Qi…</source>
        <translation>eyJ0eXAiOiJKV1Qi…</translation>
    </message>
    <message>
        <source>Sign in with the pasted token</source>
        <translation>貼り付けたトークンでサインイン</translation>
    </message>
    <message>
        <source>Or paste a Microsoft Graph &amp;access token you already have:</source>
        <translation>または、既にお持ちの Microsoft Graph アクセス トークン(&amp;A)を貼り付けてください:</translation>
    </message>
    <message>
        <source>Custom (from the profile)</source>
        <translation>カスタム (プロファイルから)</translation>
    </message>
    <message>
        <source>Starting the sandbox…</source>
        <translation>サンドボックスを起動しています…</translation>
    </message>
    <message>
        <source>Waiting for you to finish signing in…</source>
        <translation>サインインが完了するのを待っています…</translation>
    </message>
    <message>
        <source>Signed in as %1 to the tenant %2 (%3).</source>
        <translation>%1 としてテナント %2 (%3) にサインインしました。</translation>
    </message>
    <message>
        <source>an administrator</source>
        <translation>管理者</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>Open &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt; on any device and enter this code:</source>
        <translation>任意のデバイスで &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt; を開き、次のコードを入力してください:</translation>
    </message>
</context>
<context>
    <name>dcr::ui::SummaryPage</name>
    <message>
        <source>&amp;Export the profile…</source>
        <translation>プロファイルをエクスポート(&amp;E)…</translation>
    </message>
    <message>
        <source>Export a &amp;report…</source>
        <translation>レポートをエクスポート(&amp;R)…</translation>
    </message>
    <message>
        <source>Export status</source>
        <translation>エクスポートの状態</translation>
    </message>
    <message>
        <source>Clean &amp;up everything this created</source>
        <translation>このセットアップで作成したものをすべてクリーンアップ(&amp;U)</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>What exists now. The ids help when you look for these objects in the Azure portal or Konnect.</source>
        <translation>現在存在するものです。Azure portal や Konnect でこれらのオブジェクトを探すときは ID が役立ちます。</translation>
    </message>
    <message>
        <source>What exists now</source>
        <translation>現在存在するもの</translation>
    </message>
    <message>
        <source>What</source>
        <translation>項目</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <source>Links to what the setup made</source>
        <translation>セットアップで作成したものへのリンク</translation>
    </message>
    <message>
        <source>Admin consent link</source>
        <translation>管理者の同意のリンク</translation>
    </message>
    <message>
        <source>Export the profile</source>
        <translation>プロファイルをエクスポート</translation>
    </message>
    <message>
        <source>The answers of this setup, without any secret, to run it again or to send to support.</source>
        <translation>このセットアップの回答です (シークレットは含みません)。もう一度実行したり、サポートに送ったりするときに使います。</translation>
    </message>
    <message>
        <source>Export a report</source>
        <translation>レポートをエクスポート</translation>
    </message>
    <message>
        <source>A Markdown report for a ticket: what exists, every step and its outcome. No secrets.</source>
        <translation>チケット用の Markdown レポートです: 存在するもの、各ステップとその結果を記載します。シークレットは含みません。</translation>
    </message>
    <message>
        <source>Deleting what this tool created…</source>
        <translation>このツールが作成したものを削除しています…</translation>
    </message>
    <message>
        <source>Everything this tool created was deleted.</source>
        <translation>このツールが作成したものはすべて削除されました。</translation>
    </message>
    <message>
        <source>The clean-up stopped: %1 %2</source>
        <translation>クリーンアップが停止しました: %1 %2</translation>
    </message>
    <message>
        <source>Done: your Dev Portal registers applications in Microsoft Entra ID, and a token for the app passed every check.</source>
        <translation>完了: Dev Portal は Microsoft Entra ID にアプリケーションを登録するようになり、アプリのトークンはすべての確認に合格しました。</translation>
    </message>
    <message>
        <source>The setup exists, but not every check passed; the report has the details.</source>
        <translation>セットアップは存在しますが、合格しなかった確認があります。詳細はレポートにあります。</translation>
    </message>
    <message>
        <source>Open:</source>
        <translation>開く:</translation>
    </message>
    <message>
        <source>Admin consent link, for an administrator to review or grant it again: %1</source>
        <translation>管理者が確認したり再付与したりするための、管理者の同意のリンク: %1</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Profiles (*.json)</source>
        <translation>プロファイル (*.json)</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1 を保存しました。</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 を保存できませんでした: %2</translation>
    </message>
    <message>
        <source>Done: the app is registered for Dynamics 365 and passed every check. Paste its client ID and redirect URI into your client application.</source>
        <translation>完了: アプリは Dynamics 365 用に登録され、すべての確認に合格しました。クライアント ID とリダイレクト URI をクライアント アプリケーションに貼り付けてください。</translation>
    </message>
    <message>
        <source>Made by</source>
        <translation>作成元</translation>
    </message>
</context>
<context>
    <name>dcr::ui::ValidatePage</name>
    <message>
        <source>Validation checks</source>
        <translation>検証の確認項目</translation>
    </message>
    <message>
        <source>Validation result</source>
        <translation>検証の結果</translation>
    </message>
    <message>
        <source>&amp;Run the checks again</source>
        <translation>確認をもう一度実行(&amp;R)</translation>
    </message>
    <message>
        <source>Show the token&apos;s c&amp;laims</source>
        <translation>トークンのクレームを表示(&amp;L)</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>検証</translation>
    </message>
    <message>
        <source>The checks ask Entra ID for a token the way Kong will, verify it, and let Konnect test the app&apos;s credentials.</source>
        <translation>確認では、Kong と同じ方法で Entra ID にトークンを要求して検証し、Konnect にアプリの資格情報をテストさせます。</translation>
    </message>
    <message>
        <source>Run the failed checks again</source>
        <translation>失敗した確認をもう一度実行</translation>
    </message>
    <message>
        <source>Show the validation token&apos;s claims</source>
        <translation>検証用トークンのクレームを表示</translation>
    </message>
    <message>
        <source>Token claims</source>
        <translation>トークンのクレーム</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>確認しています…</translation>
    </message>
    <message>
        <source>All checks passed: Konnect can register applications in your tenant, and their tokens are what Kong expects.</source>
        <translation>すべての確認に合格しました: Konnect はテナントにアプリケーションを登録でき、そのトークンは Kong が期待するとおりです。</translation>
    </message>
    <message>
        <source>%1: %2
What to do: %3</source>
        <translation>%1: %2
対処方法: %3</translation>
    </message>
    <message>
        <source>The checks did not run.</source>
        <translation>確認は実行されませんでした。</translation>
    </message>
    <message>
        <source>All checks passed: the app registration is as asked%1.</source>
        <translation>すべての確認に合格しました: アプリの登録は指定どおりです%1。</translation>
    </message>
    <message>
        <source>, and a user signed in through it got a token for Dynamics 365</source>
        <translation>。また、アプリを通じてサインインしたユーザーが Dynamics 365 用のトークンを取得しました</translation>
    </message>
</context>
<context>
    <name>dcr::ui::WelcomePage</name>
    <message>
        <source>&amp;Sandbox (offline demo)</source>
        <translation>サンドボックス(&amp;S) (オフラインのデモ)</translation>
    </message>
    <message>
        <source>&amp;Real Microsoft Entra ID and Kong Konnect</source>
        <translation>実際の Microsoft Entra ID と Kong Konnect(&amp;R)</translation>
    </message>
    <message>
        <source>Sandbox status</source>
        <translation>サンドボックスの状態</translation>
    </message>
    <message>
        <source>&amp;Open a profile…</source>
        <translation>プロファイルを開く(&amp;O)…</translation>
    </message>
    <message>
        <source>Opened profile</source>
        <translation>開いたプロファイル</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>ようこそ</translation>
    </message>
    <message>
        <source>This wizard registers an application in Microsoft Entra ID, grants it the permissions Kong needs, and configures Dynamic Client Registration in your Konnect Dev Portal.</source>
        <translation>このウィザードは、Microsoft Entra ID にアプリケーションを登録して Kong が必要とするアクセス許可を付与し、Konnect の Dev Portal で動的クライアント登録 (DCR) を構成します。</translation>
    </message>
    <message>
        <source>Sandbox mode</source>
        <translation>サンドボックス モード</translation>
    </message>
    <message>
        <source>Everything runs against an embedded imitation of Azure and Konnect. Nothing is created in your tenant or organization.</source>
        <translation>すべて、組み込みの Azure と Konnect の模倣環境に対して実行されます。テナントや組織には何も作成されません。</translation>
    </message>
    <message>
        <source>Real services mode</source>
        <translation>実際のサービスのモード</translation>
    </message>
    <message>
        <source>Signs you in to Microsoft Entra ID and uses your Konnect organization.</source>
        <translation>Microsoft Entra ID にサインインし、Konnect の組織を使用します。</translation>
    </message>
    <message>
        <source>Open a profile</source>
        <translation>プロファイルを開く</translation>
    </message>
    <message>
        <source>Fill in the answers from a profile file (JSON, no secrets), e.g. one support sent you.</source>
        <translation>プロファイル ファイル (JSON、シークレットなし。たとえばサポートから送られたもの) から回答を入力します。</translation>
    </message>
    <message>
        <source>Resume the interrupted setup</source>
        <translation>中断したセットアップを再開</translation>
    </message>
    <message>
        <source>Choose where the setup runs:</source>
        <translation>セットアップの実行先を選んでください:</translation>
    </message>
    <message>
        <source>The sandbox could not start: %1</source>
        <translation>サンドボックスを起動できませんでした: %1</translation>
    </message>
    <message>
        <source>The sandbox is running on this computer.</source>
        <translation>サンドボックスはこのコンピューターで動作しています。</translation>
    </message>
    <message>
        <source>Starting the sandbox…</source>
        <translation>サンドボックスを起動しています…</translation>
    </message>
    <message>
        <source>Res&amp;ume: %1</source>
        <translation>再開(&amp;U): %1</translation>
    </message>
    <message>
        <source>Profiles (*.json);;All files (*)</source>
        <translation>プロファイル (*.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Opened the profile &apos;%1&apos;. The next pages show its answers.</source>
        <translation>プロファイル &apos;%1&apos; を開きました。次のページ以降にその回答が表示されます。</translation>
    </message>
    <message>
        <source>This profile cannot be used:
• %1</source>
        <translation>このプロファイルは使用できません:
• %1</translation>
    </message>
    <message>
        <source>&amp;Kong Konnect Dev Portal with Dynamic Client Registration in Entra ID</source>
        <translation>Entra ID での動的クライアント登録を使う Kong Konnect Dev Portal(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Dynamics 365 / Dataverse client app (public client that signs users in)</source>
        <translation>Dynamics 365 / Dataverse クライアント アプリ(&amp;D) (ユーザーをサインインさせるパブリック クライアント)</translation>
    </message>
    <message>
        <source>Set up Kong Konnect DCR</source>
        <translation>Kong Konnect DCR をセットアップ</translation>
    </message>
    <message>
        <source>Registers the Entra ID app Konnect uses, creates the DCR provider and auth strategy, and publishes an API.</source>
        <translation>Konnect が使う Entra ID のアプリを登録し、DCR プロバイダーと認証戦略を作成して、API を公開します。</translation>
    </message>
    <message>
        <source>Set up a Dynamics 365 client app</source>
        <translation>Dynamics 365 クライアント アプリをセットアップ</translation>
    </message>
    <message>
        <source>Registers an app that a desktop or mobile client uses to sign users in and call Dynamics 365 Customer Engagement / Dataverse on their behalf.</source>
        <translation>デスクトップまたはモバイルのクライアントがユーザーをサインインさせ、ユーザーに代わって Dynamics 365 Customer Engagement / Dataverse を呼び出すために使うアプリを登録します。</translation>
    </message>
    <message>
        <source>Choose what to set up:</source>
        <translation>セットアップする内容を選んでください:</translation>
    </message>
    <message>
        <source>Send the sign-in and tokens to the profile&apos;s own hosts</source>
        <translation>サインインとトークンをプロファイル独自のホストに送信</translation>
    </message>
    <message>
        <source>&amp;Send my sign-in and Konnect token to the hosts this profile names instead of Microsoft&apos;s and Kong&apos;s: %1</source>
        <translation>Microsoft と Kong のホストではなく、このプロファイルが指定するホストにサインインと Konnect トークンを送信する(&amp;S): %1</translation>
    </message>
</context>
<context>
    <name>dcr::ui::WizardPage</name>
    <message>
        <source>Sandbox: nothing is created in your Azure or Konnect</source>
        <translation>サンドボックス: Azure や Konnect には何も作成されません</translation>
    </message>
    <message>
        <source>Sandbox mode notice</source>
        <translation>サンドボックス モードの通知</translation>
    </message>
</context>
<context>
    <name>dcr::wizard</name>
    <message>
        <source>Lets Konnect create the app registrations of developers&apos; applications and manage those it owns, and nothing else. This is all that Dynamic Client Registration needs.</source>
        <translation>Konnect が開発者のアプリケーションのアプリ登録を作成し、自身が所有するものを管理できるようにします。それ以外はできません。動的クライアント登録に必要なのはこれだけです。</translation>
    </message>
    <message>
        <source>Lets Konnect read every app registration of the tenant. Kong&apos;s earlier guides asked for it.</source>
        <translation>Konnect がテナントのすべてのアプリ登録を読み取れるようにします。Kong の以前のガイドで求められていました。</translation>
    </message>
    <message>
        <source>Lets Konnect create, change and delete every app registration of the tenant, including ones it did not create. More than DCR needs; choose it only to match an existing setup.</source>
        <translation>Konnect が、自身で作成していないものも含め、テナントのすべてのアプリ登録を作成、変更、削除できるようにします。DCR に必要な範囲を超えています。既存のセットアップに合わせる場合にのみ選んでください。</translation>
    </message>
    <message>
        <source>Lets the app sign users in and read their basic profile. Entra ID adds it to every new app.</source>
        <translation>アプリがユーザーをサインインさせ、基本的なプロファイルを読み取れるようにします。Entra ID はすべての新しいアプリにこれを追加します。</translation>
    </message>
    <message>
        <source>A Microsoft Graph permission the preset includes.</source>
        <translation>プリセットに含まれる Microsoft Graph のアクセス許可です。</translation>
    </message>
    <message>
        <source>The app registration, in the sandbox&apos;s state</source>
        <translation>アプリの登録 (サンドボックスの状態)</translation>
    </message>
    <message>
        <source>The app registration in the Azure portal</source>
        <translation>Azure portal のアプリの登録</translation>
    </message>
    <message>
        <source>The DCR provider, in the sandbox&apos;s state</source>
        <translation>DCR プロバイダー (サンドボックスの状態)</translation>
    </message>
    <message>
        <source>The DCR provider in Konnect (Application Auth)</source>
        <translation>Konnect の DCR プロバイダー (Application Auth)</translation>
    </message>
    <message>
        <source>The auth strategy, in the sandbox&apos;s state</source>
        <translation>認証戦略 (サンドボックスの状態)</translation>
    </message>
    <message>
        <source>The auth strategy in Konnect (Application Auth)</source>
        <translation>Konnect の認証戦略 (Application Auth)</translation>
    </message>
    <message>
        <source>The Dev Portal, in the sandbox&apos;s state</source>
        <translation>Dev Portal (サンドボックスの状態)</translation>
    </message>
    <message>
        <source>The Dev Portal in Konnect</source>
        <translation>Konnect の Dev Portal</translation>
    </message>
    <message>
        <source>Enter the tenant ID (a GUID) or one of its verified domains.</source>
        <translation>テナント ID (GUID) または検証済みドメインのいずれかを入力してください。</translation>
    </message>
    <message>
        <source>This is not a complete tenant ID: it has the form 00000000-0000-0000-0000-000000000000.</source>
        <translation>テナント ID として完全ではありません: 形式は 00000000-0000-0000-0000-000000000000 です。</translation>
    </message>
    <message>
        <source>Enter a tenant ID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 or a domain such as contoso.onmicrosoft.com.</source>
        <translation>72f988bf-86f1-41af-91ab-2d7cd011db47 のようなテナント ID か、contoso.onmicrosoft.com のようなドメインを入力してください。</translation>
    </message>
    <message>
        <source>Paste a Konnect personal access token (kpat_…) or a system account token (spat_…).</source>
        <translation>Konnect の個人アクセス トークン (kpat_…) またはシステム アカウント トークン (spat_…) を貼り付けてください。</translation>
    </message>
    <message>
        <source>Konnect tokens start with kpat_ (personal access token) or spat_ (system account token).</source>
        <translation>Konnect のトークンは kpat_ (個人アクセス トークン) か spat_ (システム アカウント トークン) で始まります。</translation>
    </message>
    <message>
        <source>This token is incomplete or has characters Konnect tokens never contain; copy it again.</source>
        <translation>このトークンは不完全か、Konnect のトークンに含まれない文字が含まれています。もう一度コピーしてください。</translation>
    </message>
    <message>
        <source>Enter a name.</source>
        <translation>名前を入力してください。</translation>
    </message>
    <message>
        <source>Use at most %1 characters.</source>
        <translation>%1 文字以内にしてください。</translation>
    </message>
    <message>
        <source>Enter a URL.</source>
        <translation>URL を入力してください。</translation>
    </message>
    <message>
        <source>Enter an https:// URL (http:// only to this computer).</source>
        <translation>https:// の URL を入力してください (http:// はこのコンピューター宛てのみ)。</translation>
    </message>
    <message>
        <source>Microsoft Entra tenant</source>
        <translation>Microsoft Entra テナント</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>App registration</source>
        <translation>アプリの登録</translation>
    </message>
    <message>
        <source>%1 — client ID %2, object ID %3</source>
        <translation>%1 — クライアント ID %2、オブジェクト ID %3</translation>
    </message>
    <message>
        <source>Service principal (enterprise application)</source>
        <translation>サービス プリンシパル (エンタープライズ アプリケーション)</translation>
    </message>
    <message>
        <source>its value is in the system keychain</source>
        <translation>値はシステムのキーチェーンにあります</translation>
    </message>
    <message>
        <source>its value was shown once and is stored nowhere by this tool</source>
        <translation>値は一度だけ表示され、このツールはどこにも保存していません</translation>
    </message>
    <message>
        <source>Client secret</source>
        <translation>クライアント シークレット</translation>
    </message>
    <message>
        <source>key ID %1; %2</source>
        <translation>キー ID %1。%2</translation>
    </message>
    <message>
        <source>Konnect organization</source>
        <translation>Konnect の組織</translation>
    </message>
    <message>
        <source>DCR provider</source>
        <translation>DCR プロバイダー</translation>
    </message>
    <message>
        <source>%1 (%2), issuer %3</source>
        <translation>%1 (%2)、発行者 %3</translation>
    </message>
    <message>
        <source>Auth strategy</source>
        <translation>認証戦略</translation>
    </message>
    <message>
        <source>Published API</source>
        <translation>公開済みの API</translation>
    </message>
    <message>
        <source>%1 (%2) on the portal %3</source>
        <translation>ポータル %3 上の %1 (%2)</translation>
    </message>
    <message>
        <source># dcr-wizard setup report: %1</source>
        <translation># dcr-wizard セットアップ レポート: %1</translation>
    </message>
    <message>
        <source>Written %1 by %2 %3.</source>
        <translation>%1 に %2 %3 が作成しました。</translation>
    </message>
    <message>
        <source>**Sandbox:** nothing was created in a real Azure tenant or Konnect organization.</source>
        <translation>**サンドボックス:** 実際の Azure テナントや Konnect の組織には何も作成されていません。</translation>
    </message>
    <message>
        <source>## What exists</source>
        <translation>## 存在するもの</translation>
    </message>
    <message>
        <source>## Steps</source>
        <translation>## ステップ</translation>
    </message>
    <message>
        <source>| Step | Status | Time | Details |</source>
        <translation>| ステップ | 状態 | 時間 | 詳細 |</translation>
    </message>
    <message>
        <source>## Profile (no secrets)</source>
        <translation>## プロファイル (シークレットなし)</translation>
    </message>
    <message>
        <source>Enter the environment&apos;s address, such as https://contoso.crm.dynamics.com, or leave it empty.</source>
        <translation>https://contoso.crm.dynamics.com のような環境のアドレスを入力するか、空のままにしてください。</translation>
    </message>
    <message>
        <source>Enter a profile name.</source>
        <translation>プロファイル名を入力してください。</translation>
    </message>
    <message>
        <source>Use 1 to 64 letters, digits, dots, dashes or underscores.</source>
        <translation>1 ～ 64 文字の英字、数字、ドット、ダッシュ、アンダースコアを使用してください。</translation>
    </message>
    <message>
        <source>created by this setup; clean-up deletes it</source>
        <translation>このセットアップで作成。クリーンアップで削除されます</translation>
    </message>
    <message>
        <source>existed, not created by dcr-wizard; clean-up keeps it</source>
        <translation>既に存在 (dcr-wizard が作成したものではない)。クリーンアップでは削除されません</translation>
    </message>
    <message>
        <source>switched to this setup&apos;s strategy; clean-up puts the previous publication back</source>
        <translation>このセットアップの戦略に切り替え済み。クリーンアップで以前の公開に戻されます</translation>
    </message>
    <message>
        <source>| What | Details | Made by |</source>
        <translation>| 項目 | 詳細 | 作成元 |</translation>
    </message>
</context>
<context>
    <name>dcr::wizard::KonnectCheck</name>
    <message>
        <source>Kept the Konnect token in the keychain.</source>
        <translation>Konnect トークンをキーチェーンに保存しました。</translation>
    </message>
    <message>
        <source>Could not keep the Konnect token in the keychain: %1</source>
        <translation>Konnect トークンをキーチェーンに保存できませんでした: %1</translation>
    </message>
</context>
<context>
    <name>dcr::wizard::PublishLookup</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>dcr::wizard::RunController</name>
    <message>
        <source>Checking what exists and what the setup would do (nothing is changed).</source>
        <translation>存在するものと、セットアップで行う内容を確認しています (何も変更しません)。</translation>
    </message>
    <message>
        <source>Setting up &apos;%1&apos;.</source>
        <translation>&apos;%1&apos; をセットアップしています。</translation>
    </message>
    <message>
        <source>Retrying the failed steps.</source>
        <translation>失敗したステップを再試行しています。</translation>
    </message>
    <message>
        <source>Cleaning up what this tool created for &apos;%1&apos;.</source>
        <translation>このツールが &apos;%1&apos; 用に作成したものをクリーンアップしています。</translation>
    </message>
    <message>
        <source>Started: %1</source>
        <translation>開始: %1</translation>
    </message>
    <message>
        <source>%1: %2 — %3</source>
        <translation>%1: %2 — %3</translation>
    </message>
    <message>
        <source>Failed: %1 — %2</source>
        <translation>失敗: %1 — %2</translation>
    </message>
    <message>
        <source>  What to do: %1</source>
        <translation>  対処方法: %1</translation>
    </message>
    <message>
        <source>  Detail: %1</source>
        <translation>  詳細: %1</translation>
    </message>
    <message>
        <source>The setup is complete.</source>
        <translation>セットアップが完了しました。</translation>
    </message>
    <message>
        <source>The setup stopped at a failed step.</source>
        <translation>失敗したステップでセットアップが停止しました。</translation>
    </message>
    <message>
        <source>Clean-up is complete.</source>
        <translation>クリーンアップが完了しました。</translation>
    </message>
    <message>
        <source>Clean-up stopped at a failed step.</source>
        <translation>失敗したステップでクリーンアップが停止しました。</translation>
    </message>
</context>
<context>
    <name>dcr::wizard::SignInController</name>
    <message numerus="yes">
        <source>The sign-in was not completed within %n minute(s).</source>
        <translation>
            <numerusform>%n 分以内にサインインが完了しませんでした。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The sign-in was not completed within %n second(s).</source>
        <translation>
            <numerusform>%n 秒以内にサインインが完了しませんでした。</numerusform>
        </translation>
    </message>
    <message>
        <source>Sign in again. If no browser opened, copy the sign-in address into one, or use the device code sign-in.</source>
        <translation>もう一度サインインしてください。ブラウザーが開かない場合は、サインイン アドレスをコピーしてブラウザーで開くか、デバイス コードでサインインしてください。</translation>
    </message>
    <message>
        <source>The sandbox is still starting.</source>
        <translation>サンドボックスはまだ起動中です。</translation>
    </message>
    <message>
        <source>Wait a moment and sign in again.</source>
        <translation>少し待ってから、もう一度サインインしてください。</translation>
    </message>
    <message>
        <source>Signed in to Microsoft Entra ID as %1.</source>
        <translation>%1 として Microsoft Entra ID にサインインしました。</translation>
    </message>
    <message>
        <source>the administrator</source>
        <translation>管理者</translation>
    </message>
    <message>
        <source>You signed in to the tenant &apos;%1&apos; (%2), not to &apos;%3&apos;.</source>
        <translation>サインインしたのは &apos;%3&apos; ではなく、テナント &apos;%1&apos; (%2) です。</translation>
    </message>
    <message>
        <source>Sign in with an account of &apos;%1&apos;, or change the tenant above.</source>
        <translation>&apos;%1&apos; のアカウントでサインインするか、上でテナントを変更してください。</translation>
    </message>
    <message>
        <source>Sign-in failed: %1 %2</source>
        <translation>サインインに失敗しました: %1 %2</translation>
    </message>
</context>
<context>
    <name>dcr::wizard::StepListModel</name>
    <message numerus="yes">
        <source>retrying in %n s</source>
        <translation>
            <numerusform>%n 秒後に再試行</numerusform>
        </translation>
    </message>
    <message>
        <source>pending</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>省略</translation>
    </message>
    <message>
        <source>create</source>
        <translation>作成</translation>
    </message>
    <message>
        <source>update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>adopt</source>
        <translation>採用</translation>
    </message>
    <message>
        <source>in place</source>
        <translation>既存のまま</translation>
    </message>
    <message>
        <source>check</source>
        <translation>確認</translation>
    </message>
    <message>
        <source>skip</source>
        <translation>省略</translation>
    </message>
    <message>
        <source>%1 (optional)</source>
        <translation>%1 (省略可能)</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>ステップ</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>予定</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Waiting to repeat a request because %1.</source>
        <translation>リクエストを繰り返すまで待機しています。理由: %1。</translation>
    </message>
</context>
<context>
    <name>dcr::wizard::WizardController</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 を読み取れません: %2</translation>
    </message>
    <message>
        <source>%1 is not a JSON object: %2</source>
        <translation>%1 は JSON オブジェクトではありません: %2</translation>
    </message>
    <message>
        <source>The saved progress of &apos;%1&apos; cannot be read: %2</source>
        <translation>&apos;%1&apos; の保存された進行状況を読み取れません: %2</translation>
    </message>
    <message numerus="yes">
        <source>A setup of &apos;%1&apos; was interrupted with %n step(s) done (last change %2).</source>
        <translation>
            <numerusform>&apos;%1&apos; のセットアップは %n ステップ完了した時点で中断されました (最終更新 %2)。</numerusform>
        </translation>
    </message>
    <message>
        <source>The saved progress cannot be read (%1); the setup starts over, finding what exists.</source>
        <translation>保存された進行状況を読み取れません (%1)。既存のものを探しながら、セットアップを最初からやり直します。</translation>
    </message>
    <message>
        <source>Test sign-in: sign in as a test user of the app. %1</source>
        <translation>テスト サインイン: アプリのテスト ユーザーとしてサインインしてください。%1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Sets up a Kong Konnect Dev Portal that registers applications in Microsoft Entra ID through Dynamic Client Registration.</source>
        <translation>Microsoft Entra ID に動的クライアント登録 (DCR) でアプリケーションを登録する Kong Konnect Dev Portal をセットアップします。</translation>
    </message>
    <message>
        <source>Run against the embedded offline sandbox.</source>
        <translation>組み込みのオフライン サンドボックスに対して実行します。</translation>
    </message>
    <message>
        <source>Run the profile without a window; progress on stderr, summary on stdout.</source>
        <translation>ウィンドウなしでプロファイルを実行します。進行状況は stderr に、概要は stdout に出力します。</translation>
    </message>
    <message>
        <source>The profile to run (JSON, no secrets).</source>
        <translation>実行するプロファイル (JSON、シークレットなし)。</translation>
    </message>
    <message>
        <source>Show what exists and what would be created; change nothing.</source>
        <translation>存在するものと作成されるものを表示します。何も変更しません。</translation>
    </message>
    <message>
        <source>Continue an interrupted run from its saved progress.</source>
        <translation>中断した実行を、保存された進行状況から再開します。</translation>
    </message>
    <message>
        <source>Print the summary as JSON.</source>
        <translation>概要を JSON で出力します。</translation>
    </message>
    <message>
        <source>Where progress is saved (default: the user&apos;s data folder).</source>
        <translation>進行状況の保存先 (既定: ユーザーのデータ フォルダー)。</translation>
    </message>
    <message>
        <source>Use a dcr-sandbox already running on this machine instead of the embedded one.</source>
        <translation>組み込みのサンドボックスの代わりに、このマシンで既に動作している dcr-sandbox を使用します。</translation>
    </message>
    <message>
        <source>Give up on a request that stays silent this long (default 30).</source>
        <translation>この時間応答のないリクエストを中止します (既定は 30)。</translation>
    </message>
    <message>
        <source>no dcr-sandbox answers at %1: %2</source>
        <translation>%1 で応答する dcr-sandbox がありません: %2</translation>
    </message>
    <message>
        <source>the answer is not a sandbox&apos;s.</source>
        <translation>応答がサンドボックスのものではありません。</translation>
    </message>
    <message>
        <source>Delete what this tool created for the profile (with --dry-run: only show what would be deleted and what kept).</source>
        <translation>このツールがプロファイル用に作成したものを削除します (--dry-run 付きの場合: 削除されるものと残されるものを表示するだけです)。</translation>
    </message>
    <message>
        <source>Use objects that exist but were not created by dcr-wizard (an app, a DCR provider, an auth strategy, a publication with another strategy); clean-up never deletes them.</source>
        <translation>存在するものの dcr-wizard が作成したものではないオブジェクト (アプリ、DCR プロバイダー、認証戦略、別の戦略による公開) を使用します。クリーンアップで削除されることはありません。</translation>
    </message>
    <message>
        <source>Send the sign-in and the tokens to the custom hosts a profile names (azure.cloud or konnect.region &quot;custom&quot;).</source>
        <translation>プロファイルで指定されたカスタム ホスト (azure.cloud または konnect.region が &quot;custom&quot;) に、サインインとトークンを送信します。</translation>
    </message>
</context>
</TS>
