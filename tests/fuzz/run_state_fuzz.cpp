// The saved progress of a run (state file), as --resume and the wizard read it back: loaded, or
// refused with a sentence saying what to do; never a crash.
#include "fuzz_support.h"

#include "engine/run_state.h"

#include <QFile>
#include <QTemporaryDir>

using namespace dcr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureApplication();
    static QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("state.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        fuzz::violated("cannot write the state file to read back");
    file.write(reinterpret_cast<const char*>(data), static_cast<qint64>(size));
    file.close();
    engine::RunState state(path);
    QString error;
    if (!state.load(&error) && error.trimmed().isEmpty())
        fuzz::violated("a state file refused without a reason");
    return 0;
}
