#include "search/train_search_view.h"

#include "document/project_document.h"
#include "search/search_panel.h"
#include "train/train_panel.h"

namespace mcunet::ui {

TrainSearchView::TrainSearchView(ProjectDocument* document, QWidget* parent)
    : QTabWidget(parent), document_(document), search_(new SearchPanel(document)), train_(new TrainPanel(document)) {
    setDocumentMode(true);
    addTab(search_, tr("Search (TinyNAS)"));
    addTab(train_, tr("Train this design"));
    setTabToolTip(SearchTab, tr("Train a supernet of the chosen space on your data, search it under the limits, "
                                "fine-tune the best network and run it on the board, against two baselines"));
    connect(search_, &SearchPanel::statusChanged, this, [this](const QString& status) {
        setTabText(SearchTab, status.isEmpty() ? tr("Search (TinyNAS)") : tr("Search (%1)").arg(status));
    });
    connect(train_, &TrainPanel::statusChanged, this, [this](const QString& status) {
        setTabText(TrainTab, status.isEmpty() ? tr("Train this design") : tr("Train this design (%1)").arg(status));
    });
    connect(document_, &ProjectDocument::projectReplaced, this, &TrainSearchView::updateTabs);
    connect(document_, &ProjectDocument::architectureChanged, this, &TrainSearchView::updateTabs);
    updateTabs();
}

void TrainSearchView::updateTabs() {
    const bool imported = document_->isImported();
    for (int tab : {SearchTab, TrainTab}) setTabEnabled(tab, !imported);
    setTabToolTip(TrainTab, imported ? tr("An imported network is trained where it was made; Deploy runs it")
                                     : tr("Train the network in Design on a data set (mcunet train in a child process), "
                                          "with live curves; Deploy then uses the trained weights"));
}

}  // namespace mcunet::ui
