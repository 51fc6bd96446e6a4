// Walks the wizard through the sandbox's happy path and saves a PNG of every page, for the README
// and for reviewing the layout: dcr-wizard-screenshots OUTPUT_DIR (run it under xvfb-run; see
// screenshots.sh). Test-only: it drives the widgets the way the GUI tests do.
#include "ui/wizard_driver.h"
#include "wizard/translations.h"

#include <QApplication>
#include <QDir>
#include <QWizardPage>

#include <cstdio>

namespace {

using dcr::test::WizardDriver;
using PageId = dcr::ui::SetupWizard::PageId;

bool save(const WizardDriver& driver, const QDir& dir, const QString& suffix = {}) {
    // Let late layout and the last answers paint before grabbing.
    dcr::test::waitUntil([] { return false; }, 300);
    const QString name = QStringLiteral("%1-%2%3.png")
                             .arg(driver.page(), 2, 10, QLatin1Char('0'))
                             .arg(driver.wizard->currentPage()->objectName(), suffix);
    const bool ok = driver.wizard->grab().save(dir.filePath(name));
    fprintf(stderr, "%s %s\n", ok ? "saved" : "could not save", qPrintable(dir.filePath(name)));
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("dcr-wizard-screenshots"));
    QApplication::setApplicationName(QStringLiteral("dcr-wizard-screenshots"));
    // In the session's language, as dcr-wizard is: LANG=ja_JP.UTF-8 screenshots.sh shows the Japanese pages.
    dcr::ui::installTranslations(app);
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    QDir dir(QString::fromLocal8Bit(argv[1]));
    if (!dir.mkpath(QStringLiteral("."))) {
        fprintf(stderr, "cannot create %s\n", argv[1]);
        return 2;
    }

    WizardDriver driver;
    driver.wizard->resize(920, 720);
    if (!driver.waitForSandbox()) {
        fprintf(stderr, "the embedded sandbox did not start\n");
        return 1;
    }
    for (int page = PageId::Welcome; page <= PageId::Summary; ++page) {
        // The Apply page is also shown failing, as the sandbox fails when told to: an error with
        // its remedy and the Retry, Clean up buttons; then the fault goes and Retry completes it.
        if (page == PageId::Apply) {
            driver.sandboxRequest("POST", QStringLiteral("/_sandbox/faults"),
                                  R"([{"kind":"status","status":500,"path":"^/konnect/v2/application-auth-strategies$","method":"POST","count":20}])");
            if (!driver.next() || !dcr::test::waitUntil([&] { return driver.find<QWidget>("applyErrorPanel")->isVisible(); }, 180000)) {
                fprintf(stderr, "the injected fault did not show\n");
                return 1;
            }
            save(driver, dir, QStringLiteral("-failed"));
            driver.sandboxRequest("DELETE", QStringLiteral("/_sandbox/faults"));
            driver.click("applyRetryButton");
        }
        const bool reached = driver.advanceTo(static_cast<PageId>(page), 180000) &&
                             (page != PageId::SignIn || driver.signIn(60000)) && driver.waitComplete(180000);
        if (!reached) {
            fprintf(stderr, "stuck on page %d (%s)\n", driver.page(), qPrintable(driver.wizard->currentPage()->objectName()));
            save(driver, dir);
            return 1;
        }
        if (!save(driver, dir))
            return 1;
    }
    return 0;
}
