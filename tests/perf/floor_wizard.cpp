// The floor for dcr-wizard's cold start: the least a Qt Widgets wizard costs on this machine, a
// bare two-page QWizard with a label and a line edit. It reports its first paint exactly as
// dcr-wizard does with DCR_WIZARD_STARTUP_PROBE=1 (the same line, the same moment: the first paint
// event of the first page) and quits, so tests/perf/benchmark.sh can divide one by the other.
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>
#include <QWizard>
#include <QWizardPage>

#include <cstdio>
#include <ctime>

namespace {

long long peakRssKib() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

class FirstPaint : public QObject {
public:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint && !m_seen) {
            m_seen = true;
            timespec now{};
            clock_gettime(CLOCK_MONOTONIC, &now);
            printf("startup_probe first_paint_monotonic_ns=%lld vmhwm_kib=%lld\n",
                   static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec, peakRssKib());
            fflush(stdout);
            QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
        }
        return QObject::eventFilter(watched, event);
    }

private:
    bool m_seen = false;
};

QWizardPage* page(const QString& title, const QString& text) {
    auto* p = new QWizardPage;
    p->setTitle(title);
    auto* layout = new QVBoxLayout(p);
    layout->addWidget(new QLabel(text));
    layout->addWidget(new QLineEdit);
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QWizard wizard;
    wizard.setWindowTitle(QStringLiteral("Floor"));
    wizard.setWizardStyle(QWizard::ModernStyle);
    QWizardPage* first = page(QStringLiteral("Welcome"), QStringLiteral("The first page."));
    wizard.addPage(first);
    wizard.addPage(page(QStringLiteral("Second"), QStringLiteral("The second page.")));
    wizard.resize(920, 720);
    FirstPaint probe;
    first->installEventFilter(&probe);
    wizard.show();
    return app.exec();
}
