#include "sandbox/state.h"

#include "sandbox/sandbox_http.h"
#include "sandbox/services.h"

namespace dcr::sandbox {

void SandboxState::applySeed() {
    seed.completeCredentials();
    directory = Directory();
    directory.tenant = Tenant{seed.tenantId, seed.tenantName, {seed.tenantDomain}};
    User admin;
    admin.id = newGuid();
    admin.userPrincipalName = seed.adminUserPrincipalName;
    admin.displayName = seed.adminDisplayName;
    admin.mail = seed.adminUserPrincipalName;
    admin.password = seed.adminPassword;
    admin.globalAdmin = true;
    directory.users = {admin};
    directory.replicationDelayMs = seed.replicationDelayMs;
    if (!seed.dynamicsCrm) {
        if (const ServicePrincipal* crm = directory.servicePrincipalByAppId(Directory::kDynamicsCrmAppId, true))
            directory.removeServicePrincipal(QString(crm->id));
    }
    entra = EntraState();
    entra.autoApprove = seed.autoApproveSignIn;
    entra.deviceCodeIntervalSeconds = seed.deviceCodeIntervalSeconds;
    konnect = KonnectState();
    seedKonnect(*this);
}

}  // namespace dcr::sandbox
