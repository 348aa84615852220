#pragma once
// The training progress events as Qt meta-types, for the signals of the jobs
// that carry them (TrainJob, SearchJob) and for QSignalSpy.
#include <QMetaType>

#include "train/train_progress.h"

Q_DECLARE_METATYPE(mcunet::ui::TrainStart)
Q_DECLARE_METATYPE(mcunet::ui::TrainStep)
Q_DECLARE_METATYPE(mcunet::ui::TrainEpoch)
Q_DECLARE_METATYPE(mcunet::ui::TrainDone)
