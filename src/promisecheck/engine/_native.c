/* The reference event loop (reference.py) in C: one trial after another.
 *
 * The same loop as _kernel.py (numba), statement for statement, with the same
 * floating-point operations in the same order, so that every start, finish and member
 * equals the reference's bit for bit. Built at install when a C compiler is at hand
 * (an optional extension: without one, the install goes on and the engine falls back to
 * numba, then to numpy). Why a second compiled loop: it loads in a millisecond where numba
 * takes half a second to import and load its cache, so every run can use it, however small.
 *
 * Compile without contracting a*b+c into one fused operation (-ffp-contract=off): numba
 * does not, and a fused result can differ in the last bit.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(_MSC_VER)
#include <intrin.h>
static int lowest_bit(uint64_t x) {
    unsigned long index;
    _BitScanForward64(&index, x);
    return (int)index;
}
#else
static int lowest_bit(uint64_t x) { return __builtin_ctzll(x); }
#endif

/* calendar.py and reference.py: the module exposes them, and the loader refuses a build
 * whose constants differ from Python's. */
#define DAY_SPAN 32.0
#define GRID 1048576.0
#define EPSILON_HOURS 1e-6
#define AVAILABILITY_SLACK 1e-6
#define WORD 64

typedef struct {
    const double *window, *focus, *cumulative;
    const int64_t *by_hour;
    int64_t days, cells;
} Calendar;

static double lesser(double a, double b) { return b < a ? b : a; }
static double greater(double a, double b) { return b > a ? b : a; }

/* Capacity.finish_moment for member m starting at `moment`: where `effort` hours of work
 * end on the member's calendar (inf past the horizon). The search starts from the first
 * day on which the member's cumulative work reaches the whole hour below the target. */
static double finish_moment(const Calendar *cal, int64_t m, double moment, double effort) {
    const int64_t days = cal->days;
    const double *cum = cal->cumulative + m * (days + 1);
    const double *win = cal->window + m * days;
    /* Never outside in practice (moments stay within the horizon, efforts are finite);
     * checked so that no value can make the loop read outside the arrays. */
    if (!(moment >= 0.0 && moment < (double)days * DAY_SPAN)) return INFINITY;
    int64_t day = (int64_t)floor(moment / DAY_SPAN);
    double hour = moment - (double)day * DAY_SPAN;
    double f = cal->focus[m];
    double target = cum[day] + f * lesser(hour, win[day]) + effort;
    double key = target - EPSILON_HOURS;
    double cell = floor(key);
    if (!(cell > 0.0)) cell = 0.0; /* NaN too */
    if (cell > (double)cal->cells - 2.0) cell = (double)cal->cells - 2.0;
    int64_t guess = cal->by_hour[m * cal->cells + (int64_t)cell];
    int64_t end = guess > day ? guess : day;
    int64_t limit = end + 16 < days ? end + 16 : days;
    while (end < limit && cum[end + 1] < key) end++;
    if (end == limit && end < days) {
        int64_t lo = end, hi = lo, step = 1;
        for (;;) {
            if (hi >= days) {
                hi = days;
                break;
            }
            if (cum[hi + 1] >= key) break;
            lo = hi + 1;
            hi = hi + step;
            step *= 2;
        }
        while (lo < hi) {
            int64_t mid = (lo + hi) / 2;
            if (cum[mid + 1] >= key)
                hi = mid;
            else
                lo = mid + 1;
        }
        end = lo;
    }
    if (end >= days) return INFINITY;
    double end_hour = (target - cum[end]) / f;
    double lowest = end == day ? hour : 0.0;
    end_hour = lesser(greater(end_hour, lowest), win[end]);
    return rint(((double)end * DAY_SPAN + end_hour) * GRID) / GRID;
}

typedef struct {
    /* inputs */
    const double *efforts, *begin, *plan_hours, *release;
    const char *present;
    int has_present;
    const int64_t *rank, *by_rank, *pred_ptr, *pred_idx, *succ_ptr, *succ_idx, *item_class;
    const int64_t *next_working, *same_as, *class_ptr, *class_members, *member_ptr,
        *member_classes;
    Calendar cal;
    int64_t count, members, classes;
    /* outputs */
    double *start, *finish;
    int32_t *member_of;
} Problem;

typedef struct {
    double *not_before, *done_at, *busy_until, *planned_end, *idle_since, *free_from;
    double *memo_from, *memo_finish, *shared_from, *shared_finish;
    int64_t *waiting, *pending, *class_ready, *remaining, *class_startable, *busy_item;
    uint64_t *ready;
    char *here, *promised, *can_start;
    void *block; /* every array above, carved from one allocation */
} Work;

/* Hand out n items of the block at *at and move past them. */
static double *doubles(char **at, size_t n) {
    double *p = (double *)*at;
    *at += n * sizeof(double);
    return p;
}
static int64_t *integers(char **at, size_t n) {
    int64_t *p = (int64_t *)*at;
    *at += n * sizeof(int64_t);
    return p;
}

static int make_work(Work *w, int64_t count, int64_t members, int64_t classes, int64_t words) {
    size_t items = (size_t)count, people = (size_t)members, kinds = (size_t)classes;
    size_t pairs = items * people;
    /* Doubles, then 64-bit integers, then flags: each part starts aligned. */
    size_t size = (2 * items + 4 * people + 4 * pairs) * sizeof(double) +
                  (2 * items + 3 * kinds + people + (size_t)words) * sizeof(int64_t) +
                  items + 2 * people + 1;
    char *at = calloc(size, 1);
    w->block = at;
    if (at == NULL) return -1;
    w->not_before = doubles(&at, items);
    w->done_at = doubles(&at, items);
    w->busy_until = doubles(&at, people);
    w->planned_end = doubles(&at, people);
    w->idle_since = doubles(&at, people);
    w->free_from = doubles(&at, people);
    w->memo_from = doubles(&at, pairs);
    w->memo_finish = doubles(&at, pairs);
    w->shared_from = doubles(&at, pairs);
    w->shared_finish = doubles(&at, pairs);
    w->waiting = integers(&at, items);
    w->pending = integers(&at, items);
    w->class_ready = integers(&at, kinds);
    w->remaining = integers(&at, kinds);
    w->class_startable = integers(&at, kinds);
    w->busy_item = integers(&at, people);
    w->ready = (uint64_t *)integers(&at, (size_t)words);
    w->here = at;
    w->promised = at + items;
    w->can_start = at + items + people;
    /* The projected finish of item i by member m from moment memo_from[i, m]: pure, so it
     * holds across passes and trials; NaN equals nothing (empty). shared_*: the same by
     * calendar (same_as). Item-major, as in _kernel.py. */
    for (size_t k = 0; k < pairs; k++) {
        w->memo_from[k] = NAN;
        w->shared_from[k] = NAN;
    }
    return 0;
}

static void schedule_trials(const Problem *p, Work *w, int64_t lo, int64_t hi) {
    const int64_t count = p->count, members = p->members, classes = p->classes;
    const int64_t days = p->cal.days;
    const int64_t words = count > 0 ? (count + WORD - 1) / WORD : 1;
    const double *window = p->cal.window;

    for (int64_t t = lo; t < hi; t++) {
        double b = p->begin[t];
        double *start = p->start + t * count;
        double *finish = p->finish + t * count;
        int32_t *member_of = p->member_of + t * count;
        for (int64_t i = 0; i < count; i++) {
            w->not_before[i] = p->release[i];
            w->done_at[i] = greater(b, p->release[i]);
            w->here[i] = p->has_present ? p->present[t * count + i] != 0 : 1;
            w->waiting[i] = 0;
            start[i] = INFINITY;
            finish[i] = INFINITY;
            member_of[i] = -1;
        }
        /* An absent item is done at the start (or its release), by nobody; its dependents
         * do not wait for it, but are not ready before that moment either. */
        int64_t npending = 0;
        for (int64_t i = 0; i < count; i++) {
            if (!w->here[i]) {
                start[i] = w->done_at[i];
                finish[i] = w->done_at[i];
            }
            for (int64_t k = p->pred_ptr[i]; k < p->pred_ptr[i + 1]; k++) {
                int64_t q = p->pred_idx[k];
                if (w->here[q])
                    w->waiting[i] += 1;
                else
                    w->not_before[i] = greater(w->not_before[i], w->done_at[q]);
            }
        }
        for (int64_t i = 0; i < count; i++)
            if (w->here[i] && w->waiting[i] == 0) w->pending[npending++] = i;
        for (int64_t k = 0; k < words; k++) w->ready[k] = 0;
        for (int64_t c = 0; c < classes; c++) w->class_ready[c] = 0;
        for (int64_t m = 0; m < members; m++) {
            w->busy_item[m] = -1;
            w->busy_until[m] = INFINITY;
            w->planned_end[m] = INFINITY;
            w->idle_since[m] = -1.0;
        }

        double now = b;
        for (;;) {
            for (int64_t m = 0; m < members; m++) {
                if (w->busy_item[m] >= 0 && w->busy_until[m] <= now) {
                    int64_t done = w->busy_item[m];
                    w->busy_item[m] = -1;
                    w->idle_since[m] = w->busy_until[m];
                    w->busy_until[m] = INFINITY;
                    w->planned_end[m] = INFINITY;
                    for (int64_t k = p->succ_ptr[done]; k < p->succ_ptr[done + 1]; k++) {
                        int64_t s = p->succ_idx[k];
                        w->waiting[s] -= 1;
                        if (w->waiting[s] == 0 && w->here[s]) w->pending[npending++] = s;
                    }
                }
            }
            int64_t kept = 0;
            for (int64_t j = 0; j < npending; j++) {
                int64_t i = w->pending[j];
                if (w->not_before[i] <= now) {
                    int64_t r = p->rank[i];
                    w->ready[r / WORD] |= (uint64_t)1 << (r % WORD);
                    w->class_ready[p->item_class[i]] += 1;
                } else {
                    w->pending[kept++] = i;
                }
            }
            npending = kept;

            int64_t day = (int64_t)floor(now / DAY_SPAN);
            double hour = now - (double)day * DAY_SPAN;
            for (int64_t c = 0; c < classes; c++) {
                w->remaining[c] = w->class_ready[c];
                w->class_startable[c] = 0;
            }
            for (int64_t m = 0; m < members; m++) {
                int idle = w->busy_item[m] < 0;
                w->free_from[m] = idle ? now : greater(now, w->planned_end[m]);
                w->promised[m] = 0;
                w->can_start[m] =
                    idle && day < days && window[m * days + day] > hour + AVAILABILITY_SLACK;
                if (w->can_start[m])
                    for (int64_t k = p->member_ptr[m]; k < p->member_ptr[m + 1]; k++)
                        w->class_startable[p->member_classes[k]] += 1;
            }
            /* Classes with an item still to judge in this pass and someone who may start it. */
            int64_t live = 0;
            for (int64_t c = 0; c < classes; c++)
                if (w->remaining[c] > 0 && w->class_startable[c] > 0) live++;

            /* The dispatch pass in order. It stops once no item still to judge could be
             * started now by anyone. */
            for (int64_t word = 0; word < words && live > 0; word++) {
                uint64_t bits = w->ready[word];
                while (bits != 0 && live > 0) {
                    int bit = lowest_bit(bits);
                    bits &= bits - 1;
                    int64_t i = p->by_rank[word * WORD + bit];
                    int64_t c = p->item_class[i];
                    w->remaining[c] -= 1;
                    if (w->remaining[c] == 0 && w->class_startable[c] > 0) live--;
                    if (p->class_ptr[c] == p->class_ptr[c + 1]) continue;
                    /* Finish first; then free longest; then file order. */
                    int64_t best_m = -1;
                    double best_p = INFINITY, best_key = INFINITY;
                    double *memo_from = w->memo_from + i * members;
                    double *memo_finish = w->memo_finish + i * members;
                    double *shared_from = w->shared_from + i * members;
                    double *shared_finish = w->shared_finish + i * members;
                    for (int64_t k = p->class_ptr[c]; k < p->class_ptr[c + 1]; k++) {
                        int64_t m = p->class_members[k];
                        double ff = w->free_from[m];
                        int64_t g = p->same_as[m];
                        double proj;
                        if (memo_from[m] == ff) {
                            proj = memo_finish[m];
                        } else if (shared_from[g] == ff) {
                            proj = shared_finish[g];
                        } else {
                            proj = isfinite(ff) ? finish_moment(&p->cal, m, ff, p->plan_hours[i])
                                                : INFINITY;
                            shared_from[g] = ff;
                            shared_finish[g] = proj;
                        }
                        memo_from[m] = ff;
                        memo_finish[m] = proj;
                        if (proj > best_p) continue;
                        double key =
                            (w->busy_item[m] < 0 && !w->promised[m]) ? w->idle_since[m] : ff;
                        if (best_m < 0 || proj < best_p || key < best_key) {
                            best_m = m;
                            best_p = proj;
                            best_key = key;
                        }
                    }
                    int64_t m = best_m;
                    if (!w->can_start[m]) {
                        w->free_from[m] = best_p;
                        w->promised[m] = 1;
                        continue;
                    }
                    w->ready[word] &= ~((uint64_t)1 << (p->rank[i] % WORD));
                    w->class_ready[c] -= 1;
                    start[i] = now;
                    double end = finish_moment(&p->cal, m, now, p->efforts[t * count + i]);
                    finish[i] = end;
                    member_of[i] = (int32_t)m;
                    w->busy_item[m] = i;
                    w->busy_until[m] = end;
                    w->planned_end[m] = finish_moment(&p->cal, m, now, p->plan_hours[i]);
                    w->free_from[m] = greater(now, w->planned_end[m]);
                    w->can_start[m] = 0;
                    for (int64_t k = p->member_ptr[m]; k < p->member_ptr[m + 1]; k++) {
                        int64_t c2 = p->member_classes[k];
                        w->class_startable[c2] -= 1;
                        if (w->class_startable[c2] == 0 && w->remaining[c2] > 0) live--;
                    }
                }
            }

            double following = INFINITY;
            for (int64_t m = 0; m < members; m++)
                if (w->busy_item[m] >= 0) following = lesser(following, w->busy_until[m]);
            for (int64_t j = 0; j < npending; j++)
                following = lesser(following, w->not_before[w->pending[j]]);
            if (day + 1 <= days) {
                for (int64_t m = 0; m < members; m++) {
                    if (w->busy_item[m] >= 0) continue;
                    int wanted = 0;
                    for (int64_t k = p->member_ptr[m]; k < p->member_ptr[m + 1]; k++) {
                        if (w->class_ready[p->member_classes[k]] > 0) {
                            wanted = 1;
                            break;
                        }
                    }
                    if (wanted) {
                        int64_t next_day = p->next_working[m * (days + 1) + day + 1];
                        if (next_day < days)
                            following = lesser(following, (double)next_day * DAY_SPAN);
                    }
                }
            }
            if (following == INFINITY) break;
            now = following;
        }
    }
}

/* --- the Python side: buffers in, checked, the loop run without the GIL ------------------ */

enum Kind { FLOAT64, INT64, INT32, BOOL };

static int take(PyObject *obj, Py_buffer *view, enum Kind kind, int ndim, int writable,
                const char *name) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) return -1;
    const char *format = view->format ? view->format : "B";
    if (*format == '<' || *format == '=' || *format == '@') format++;
    int ok = view->ndim == ndim;
    switch (kind) {
    case FLOAT64: ok = ok && view->itemsize == 8 && *format == 'd'; break;
    case INT64: ok = ok && view->itemsize == 8 && strchr("lq", *format) != NULL; break;
    case INT32: ok = ok && view->itemsize == 4 && strchr("il", *format) != NULL; break;
    case BOOL: ok = ok && view->itemsize == 1 && *format == '?'; break;
    }
    if (!ok) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_TypeError, "schedule: %s has the wrong type or shape", name);
        return -1;
    }
    return 0;
}

#define ARRAYS 25

static PyObject *schedule(PyObject *self, PyObject *args) {
    (void)self;
    Py_ssize_t lo, hi;
    int has_present;
    PyObject *o[ARRAYS];
    if (!PyArg_ParseTuple(args, "nnOOOpOOOOOOOOOOOOOOOOOOOOOO", &lo, &hi, &o[0], &o[1], &o[2],
                          &has_present, &o[3], &o[4], &o[5], &o[6], &o[7], &o[8], &o[9],
                          &o[10], &o[11], &o[12], &o[13], &o[14], &o[15], &o[16], &o[17],
                          &o[18], &o[19], &o[20], &o[21], &o[22], &o[23], &o[24]))
        return NULL;
    static const char *names[ARRAYS] = {
        "efforts", "begin", "present", "plan_hours", "release", "rank", "by_rank",
        "pred_ptr", "pred_idx", "succ_ptr", "succ_idx", "item_class", "window", "focus",
        "cumulative", "by_hour", "next_working", "same_as", "class_ptr", "class_members",
        "member_ptr", "member_classes", "start", "finish", "member_of"};
    static const enum Kind kinds[ARRAYS] = {
        FLOAT64, FLOAT64, BOOL,  FLOAT64, FLOAT64, INT64, INT64,   INT64,   INT64,
        INT64,   INT64,   INT64, FLOAT64, FLOAT64, FLOAT64, INT64, INT64,   INT64,
        INT64,   INT64,   INT64, INT64,   FLOAT64, FLOAT64, INT32};
    static const int dims[ARRAYS] = {2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2,
                                     1, 2, 2, 2, 1, 1, 1, 1, 1, 2, 2, 2};
    Py_buffer v[ARRAYS];
    int held = 0;
    PyObject *result = NULL;
    for (; held < ARRAYS; held++)
        if (take(o[held], &v[held], kinds[held], dims[held], held >= 22, names[held]) < 0)
            goto done;

    Problem p;
    p.count = v[0].shape[1];
    p.members = v[12].shape[0];
    p.cal.days = v[12].shape[1];
    p.cal.cells = v[15].shape[1];
    p.classes = v[18].shape[0] - 1;
    Py_ssize_t rows = v[0].shape[0];
    /* The arrays come from compiled.Schedule; these checks keep a mistake there from
     * reading or writing outside them. */
    int ok = lo >= 0 && lo <= hi && hi <= rows && v[1].shape[0] >= rows && p.classes >= 0 &&
             p.cal.cells >= 2 && p.cal.days >= 1;
    for (int k = 22; k < ARRAYS; k++)
        ok = ok && v[k].shape[0] == rows && v[k].shape[1] == p.count;
    if (has_present) ok = ok && v[2].shape[0] == rows && v[2].shape[1] == p.count;
    for (int k = 3; k <= 11; k++) {
        Py_ssize_t want = (k == 7 || k == 9) ? p.count + 1 : p.count;
        if (k == 8 || k == 10) continue; /* flat lists of any length */
        ok = ok && v[k].shape[0] == want;
    }
    ok = ok && v[13].shape[0] == p.members && v[17].shape[0] == p.members;
    ok = ok && v[14].shape[0] == p.members && v[14].shape[1] == p.cal.days + 1;
    ok = ok && v[15].shape[0] == p.members;
    ok = ok && v[16].shape[0] == p.members && v[16].shape[1] == p.cal.days + 1;
    ok = ok && v[20].shape[0] == p.members + 1;
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "schedule: arrays of inconsistent shapes");
        goto done;
    }
    p.efforts = v[0].buf;
    p.begin = v[1].buf;
    p.present = v[2].buf;
    p.has_present = has_present;
    p.plan_hours = v[3].buf;
    p.release = v[4].buf;
    p.rank = v[5].buf;
    p.by_rank = v[6].buf;
    p.pred_ptr = v[7].buf;
    p.pred_idx = v[8].buf;
    p.succ_ptr = v[9].buf;
    p.succ_idx = v[10].buf;
    p.item_class = v[11].buf;
    p.cal.window = v[12].buf;
    p.cal.focus = v[13].buf;
    p.cal.cumulative = v[14].buf;
    p.cal.by_hour = v[15].buf;
    p.next_working = v[16].buf;
    p.same_as = v[17].buf;
    p.class_ptr = v[18].buf;
    p.class_members = v[19].buf;
    p.member_ptr = v[20].buf;
    p.member_classes = v[21].buf;
    p.start = v[22].buf;
    p.finish = v[23].buf;
    p.member_of = v[24].buf;

    Work w;
    int64_t words = p.count > 0 ? (p.count + WORD - 1) / WORD : 1;
    if (make_work(&w, p.count, p.members, p.classes, words) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    schedule_trials(&p, &w, lo, hi);
    Py_END_ALLOW_THREADS
    free(w.block);
    result = Py_None;
    Py_INCREF(result);
done:
    for (int k = 0; k < held; k++) PyBuffer_Release(&v[k]);
    return result;
}

static PyMethodDef methods[] = {
    {"schedule", schedule, METH_VARARGS,
     "schedule(lo, hi, ...): trials lo..hi-1, as _kernel.schedule (releases the GIL)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native",
                                    "The reference event loop in C.", -1, methods};

PyMODINIT_FUNC PyInit__native(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (PyModule_AddObject(m, "DAY_SPAN", PyFloat_FromDouble(DAY_SPAN)) < 0 ||
        PyModule_AddObject(m, "GRID", PyFloat_FromDouble(GRID)) < 0 ||
        PyModule_AddObject(m, "EPSILON_HOURS", PyFloat_FromDouble(EPSILON_HOURS)) < 0 ||
        PyModule_AddObject(m, "AVAILABILITY_SLACK", PyFloat_FromDouble(AVAILABILITY_SLACK)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
