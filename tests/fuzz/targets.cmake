# One libFuzzer target per parser the clients use; <name>_fuzz.cpp with its seed corpus in
# corpus/<name>/. Read by tests/fuzz/CMakeLists.txt (clang, libFuzzer) and tests/fuzz/ctest.cmake.
set(DCR_FUZZ_TARGETS
    graph_client     # Microsoft Graph answers and error bodies, through GraphClient
    konnect_client   # Konnect answers and problem+json, through KonnectClient
    portal_client    # a Dev Portal's session cookie and applications, through PortalClient
    token_endpoint   # token, discovery, JWKS and device code answers, AADSTS errors; TokenClient, EntraSignIn
    jwt              # JWT decoding and RS256 verification against a JWKS
    error_body       # the error mapping, retry policy and redaction of every service's error bodies
    profile          # profile files
    run_state        # the saved progress that --resume reads
)
