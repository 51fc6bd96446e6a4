// The fuzz targets without libFuzzer (no clang at hand): replays every file of the given corpus
// directories, then a fixed number of deterministic mutations of each (bit flips, truncations,
// duplicated and deleted ranges, interesting bytes), so the suite still exercises the parsers with
// the regular compiler. Same exit convention as libFuzzer: a violated property aborts.
//   replay_<target> [--mutations N] DIR...
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QStringList>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void run(const QByteArray& input) {
    // A copy of exactly the input's size, so that reading past its end is a sanitizer finding here too.
    std::vector<uint8_t> copy(input.begin(), input.end());
    LLVMFuzzerTestOneInput(copy.data(), copy.size());
}

QByteArray mutate(QByteArray input, QRandomGenerator& rng) {
    static const char* const kInteresting[] = {"\"", "{", "}", "[", "]", ",", ":", "null", "true", "-1", "1e309", "\\u0000", "\xff", ".", "\n===\n", "\n"};
    const int steps = 1 + int(rng.bounded(4));
    for (int s = 0; s < steps; ++s) {
        const qsizetype at = input.isEmpty() ? 0 : qsizetype(rng.bounded(quint32(input.size())));
        switch (rng.bounded(6)) {
        case 0:
            if (!input.isEmpty())
                input[at] = char(input[at] ^ (1 << rng.bounded(8)));
            break;
        case 1:
            input.truncate(at);
            break;
        case 2:
            input.remove(at, qsizetype(rng.bounded(16)));
            break;
        case 3:
            input.insert(at, input.mid(at, qsizetype(rng.bounded(64))));
            break;
        case 4:
            input.insert(at, kInteresting[rng.bounded(quint32(sizeof kInteresting / sizeof kInteresting[0]))]);
            break;
        default:
            if (!input.isEmpty())
                input[at] = char(rng.bounded(256));
            break;
        }
    }
    return input;
}

}  // namespace

int main(int argc, char** argv) {
    int mutations = 200;
    QStringList dirs;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--mutations") == 0 && i + 1 < argc)
            mutations = std::atoi(argv[++i]);
        else
            dirs << QString::fromLocal8Bit(argv[i]);
    }
    int inputs = 0;
    for (const QString& dir : dirs) {
        const QStringList names = QDir(dir).entryList(QDir::Files, QDir::Name);
        for (const QString& name : names) {
            QFile file(QDir(dir).filePath(name));
            if (!file.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "replay: cannot read %s\n", qPrintable(file.fileName()));
                return 2;
            }
            const QByteArray seed = file.readAll();
            run(seed);
            ++inputs;
            // Seeded by the file's name: the same mutations on every run and every machine.
            QRandomGenerator rng(quint32(qHash(name)));
            for (int m = 0; m < mutations; ++m, ++inputs)
                run(mutate(seed, rng));
        }
    }
    if (inputs == 0) {
        std::fprintf(stderr, "replay: no corpus files in %s\n", qPrintable(dirs.join(QLatin1Char(' '))));
        return 2;
    }
    std::printf("replay: %d inputs, no property violated\n", inputs);
    return 0;
}
