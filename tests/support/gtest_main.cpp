// One gtest main for every suite: a Qt application object exists for the whole run, so code under
// test can use the event loop, QSettings and (in GUI suites) widgets.
#include <gtest/gtest.h>

#include <QtGlobal>
#ifdef DCR_TEST_GUI
#include <QApplication>
using TestApplication = QApplication;
#else
#include <QCoreApplication>
using TestApplication = QCoreApplication;
#endif

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
#ifdef DCR_TEST_GUI
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
#endif
    TestApplication app(argc, argv);
    TestApplication::setOrganizationName(QStringLiteral("dcr-wizard-tests"));
    TestApplication::setApplicationName(QStringLiteral("dcr-wizard-tests"));
    return RUN_ALL_TESTS();
}
