#include "ops/conditions.h"

#include "expr/evaluator.h"
#include "expr/parser.h"

namespace stator::ops {

Result<WriteCondition> ResolveWriteCondition(const WriteConditionParams& params,
                                             expr::Resolver& resolver) {
  WriteCondition out;
  out.return_old_on_failure = params.return_old_on_failure;
  out.condition = params.legacy_condition;
  if (!params.condition_expression) return out;
  STATOR_ASSIGN_OR_RETURN(
      expr::ConditionExpr parsed,
      expr::ParseCondition(*params.condition_expression, expr::ExpressionKind::kCondition));
  STATOR_ASSIGN_OR_RETURN(out.condition,
                          resolver.Resolve(parsed, expr::ExpressionKind::kCondition));
  return out;
}

Result<WriteCondition> ResolveWriteCondition(const WriteConditionParams& params) {
  expr::Resolver resolver(params.names ? &*params.names : nullptr,
                          params.values ? &*params.values : nullptr);
  STATOR_ASSIGN_OR_RETURN(WriteCondition out, ResolveWriteCondition(params, resolver));
  STATOR_RETURN_IF_ERROR(resolver.CheckAllUsed());
  return out;
}

Status CheckWriteCondition(const WriteCondition& condition,
                           const std::optional<model::Item>& current) {
  if (!condition.condition) return Status::OK();
  static const model::Item kNoItem;
  STATOR_ASSIGN_OR_RETURN(bool holds,
                          expr::Evaluate(*condition.condition, current ? *current : kNoItem,
                                         expr::ExpressionKind::kCondition));
  if (holds) return Status::OK();
  auto detail = std::make_shared<ConditionFailedDetail>();
  if (condition.return_old_on_failure) detail->item = current;
  return Status(Code::kConditionalCheckFailed, "The conditional request failed")
      .WithDetail(std::move(detail));
}

}  // namespace stator::ops
