#include "wizard/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace dcr::ui {

QString installTranslations(QCoreApplication& app, const QLocale& locale) {
    auto* own = new QTranslator(&app);
    // uiLanguages() order: LANGUAGE=ja:en picks Japanese, LANG=C or an unknown language English.
    if (!own->load(locale, QStringLiteral("dcr-wizard"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete own;
        return QStringLiteral("en");
    }
    QCoreApplication::installTranslator(own);
    const QString language = own->language().section(QLatin1Char('_'), 0, 0);
    // Qt's own texts (QWizard's Back/Next/Finish, file dialogs) in the same language, if installed.
    auto* qt = new QTranslator(&app);
    if (language != QLatin1String("en") &&
        qt->load(QLocale(language), QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    return language.isEmpty() ? QStringLiteral("en") : language;
}

}  // namespace dcr::ui
